"""`python -m minikeras script.py`: the import aliasing and the command dispatcher."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from minikeras.cli import keras_alias
from minikeras.cli import main as cli_main
from tests.conftest import subprocess_env

PROBE = textwrap.dedent("""
    import sys
    import keras
    import keras.layers
    from keras.models import Sequential
    from keras.layers import Dense
    from keras.layers.core import Dense as CoreDense
    from keras.layers.core import Flatten
    from keras.utils.np_utils import to_categorical
    from keras.engine.topology import Layer
    from keras.preprocessing.sequence import pad_sequences
    from keras import backend as K
    import tensorflow as tf
    from tensorflow import keras as tfk
    from tensorflow.keras.layers import Dense as TfDense
    import tf_keras
    tf.random.set_seed(3)
    assert keras.__name__ == "minikeras", keras.__name__
    assert Dense is CoreDense is TfDense is tf.keras.layers.Dense
    assert tfk is keras and tf_keras is keras and keras.layers.__name__ == "minikeras.layers"
    assert keras.__spec__.name == "minikeras"
    assert "keras" in sys.modules and sys.modules["keras"] is keras
    print("ARGV", sys.argv[1:], __name__, K.floatx())
    try:
        import keras.distribution
    except ModuleNotFoundError as e:
        print("MISSING", e)
    try:
        tf.raw_ops
    except AttributeError as e:
        print("TFMISSING", e)
""")


def _run(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "minikeras", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )


def test_script_sees_keras_as_minikeras_with_its_arguments(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    proc = _run([str(script), "--epochs", "3"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ARGV ['--epochs', '3'] __main__ float32" in proc.stdout
    assert "No module named 'keras.distribution': minikeras stands in for Keras" in proc.stdout
    assert "TFMISSING `tf.raw_ops` is not available" in proc.stdout


def test_script_folder_is_importable_and_exit_codes_propagate(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 41\n")
    script = tmp_path / "main.py"
    script.write_text("import sys\nfrom helper_mod import VALUE\nprint(VALUE + 1)\nsys.exit(3)\n")
    proc = _run([str(script)], "/")
    assert proc.stdout.strip() == "42" and proc.returncode == 3
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('boom')\n")
    proc = _run([str(bad)], tmp_path)
    assert proc.returncode == 1 and "RuntimeError: boom" in proc.stderr


def test_cli_dispatches_scripts_and_reports_a_missing_file(capsys, tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text("import sys\nimport keras\nprint('RAN', keras.__name__, sys.argv[1:])\n")
    try:
        assert cli_main.main([str(script), "x"]) == 0
    finally:
        keras_alias.uninstall()
    assert "RAN minikeras ['x']" in capsys.readouterr().out
    assert cli_main.main([str(tmp_path / "nope.py")]) == 2
    assert "can't open file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name,target",
    [
        ("keras", "minikeras"),
        ("keras.layers", "minikeras.layers"),
        ("keras.layers.convolutional", "minikeras.layers.convolutional"),
        ("keras.layers.recurrent", "minikeras.layers._legacy_paths.recurrent"),
        ("keras.src.layers", "minikeras.layers"),
        ("tensorflow", "minikeras.tensorflow"),
        ("tensorflow.keras.optimizers", "minikeras.optimizers"),
        ("tf_keras.utils.np_utils", "minikeras.utils.np_utils"),
        ("kerasx", None),
        ("numpy", None),
    ],
)
def test_alias_resolution(name, target):
    assert keras_alias.resolve(name) == target


def test_install_and_uninstall_in_process():
    keras_alias.install()
    try:
        import keras  # noqa: F401 - resolved by the alias finder

        import minikeras

        assert sys.modules["keras"] is minikeras
        assert minikeras.__spec__.name == "minikeras"
    finally:
        keras_alias.uninstall()
    assert "keras" not in sys.modules


def test_minikeras_seed_makes_unseeded_scripts_repeatable(tmp_path):
    script = tmp_path / "draw.py"
    script.write_text(
        textwrap.dedent("""
        import numpy as np
        import keras
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        print("DRAW", float(np.random.rand()), float(layer.get_weights()[0].sum()))
    """)
    )

    def draw(seed):
        env = subprocess_env()
        env["MINIKERAS_SEED"] = seed
        proc = subprocess.run(
            [sys.executable, "-m", "minikeras", str(script)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return [line for line in proc.stdout.splitlines() if line.startswith("DRAW")][0]

    assert draw("7") == draw("7")
    assert draw("7") != draw("8")
