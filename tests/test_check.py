"""`python -m minikeras check`: the Keras names a script uses, judged without running it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from minikeras.cli import check
from minikeras.cli.main import main
from tests.conftest import REPO, subprocess_env

SCRIPT = textwrap.dedent("""\
    import numpy as np
    import keras
    import tensorflow as tf
    from keras.layers import Dense, LSTMM
    from keras import layers as L
    from keras.utils.np_utils import to_categorical

    model = keras.Sequential([keras.Input((4,)), Dense(3), L.Dropout(0.1)])
    model.compile(optimizer=keras.optimizers.Adamm(1e-3), loss="mse")
    y = to_categorical(np.arange(3))
    tf.random.set_seed(1)
    z = tf.keras.layers.Conv2D(3, 3)
    labels = model.predict_classes(np.zeros((1, 4)))
    w = tf.nothing_like_this(3)
""")


def _verdicts(tmp_path, source=SCRIPT, name="script.py"):
    path = tmp_path / name
    path.write_text(source, encoding="utf8")
    return {(u.line, u.name): v.status for u, v in check.check_files([str(path)])}, path


def test_each_name_gets_its_verdict_and_line(tmp_path):
    verdicts, _ = _verdicts(tmp_path)
    assert verdicts[(2, "keras")] == "supported"
    assert verdicts[(4, "keras.layers.Dense")] == "supported"
    assert verdicts[(4, "keras.layers.LSTMM")] == "missing"
    assert verdicts[(5, "keras.layers")] == "supported"
    assert verdicts[(6, "keras.utils.np_utils.to_categorical")] == "deprecated"  # Keras 1/2
    assert verdicts[(8, "keras.layers.Dropout")] == "supported"  # through the `L` alias
    assert verdicts[(8, "keras.Sequential")] == "supported"
    assert verdicts[(9, "keras.optimizers.Adamm")] == "missing"
    assert verdicts[(11, "tensorflow.random.set_seed")] == "supported"
    assert verdicts[(12, "tensorflow.keras.layers.Conv2D")] == "supported"
    assert verdicts[(13, "Model.predict_classes")] == "deprecated"
    assert verdicts[(14, "tensorflow.nothing_like_this")] == "missing"
    assert not any(name == "np.zeros" or name.startswith("numpy") for _, name in verdicts)


def test_report_suggests_the_nearest_name_and_sets_the_exit_status(capsys, tmp_path):
    _, path = _verdicts(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{path}:4: missing    keras.layers.LSTMM (minikeras has no 'LSTMM' in "
        "keras.layers; nearest: keras.layers.LSTM)"
    ) in out
    assert (
        f"{path}:9: missing    keras.optimizers.Adamm" in out
        and "nearest: keras.optimizers.Adam)" in out
    )
    assert f"{path}:6: deprecated keras.utils.np_utils.to_categorical" in out
    assert f"{path}:8: supported  keras.layers.Dropout" in out
    assert out.rstrip().splitlines()[-1].endswith("deprecated, 3 missing.")
    assert main(["check", "-q", str(path)]) == 1
    assert "supported  keras.layers.Dropout" not in capsys.readouterr().out


def test_all_supported_exits_zero(capsys, tmp_path):
    path = tmp_path / "ok.py"
    path.write_text(
        "from keras.models import Sequential\nfrom keras.layers import Dense\n"
        "m = Sequential([Dense(2)])\n",
        encoding="utf8",
    )
    assert main(["check", str(path)]) == 0
    assert (
        "4 Keras/TensorFlow names: 4 supported, 0 deprecated, 0 missing." in capsys.readouterr().out
    )


def test_notebook_code_cells_are_checked_with_cell_numbers(capsys, tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# keras.layers.Nope is only text"]},
            {"cell_type": "code", "source": ["%matplotlib inline\n", "import keras\n"]},
            {"cell_type": "code", "source": "!pip install keras\nx = keras.layers.Densse(3)\n"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf8")
    assert main(["check", str(path), "-q"]) == 1
    out = capsys.readouterr().out
    assert f"{path}: cell 3, line 2: missing    keras.layers.Densse" in out
    assert "nearest: keras.layers.Dense" in out and "Nope" not in out


def test_unreadable_inputs_are_one_line_errors(capsys, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import keras\ndef (:\n", encoding="utf8")
    assert main(["check", str(bad)]) == 1
    assert f"minikeras check: error: {bad}:2: cannot parse" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "none.py")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_every_script_in_the_repo_is_supported(capsys):
    scripts = sorted(str(p) for d in ("compat", "examples") for p in (REPO / d).glob("*.py"))
    assert main(["check", "-q", *scripts]) == 0
    out = capsys.readouterr().out
    assert "missing" not in out.replace("0 missing", "")


def test_the_runner_warns_once_before_running(tmp_path):
    script = tmp_path / "uses_missing.py"
    script.write_text(
        "import keras\nprint('started')\nkeras.layers.NoSuchLayer(3)\n", encoding="utf8"
    )
    run = [sys.executable, "-m", "minikeras"]
    proc = subprocess.run(
        [*run, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 1 and proc.stdout == "started\n"
    err = proc.stderr
    assert err.startswith("minikeras: warning: this script uses names minikeras does not have")
    assert f"  {script}:3: keras.layers.NoSuchLayer" in err and err.count("warning") == 1
    proc = subprocess.run(
        [*run, "--no-check", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=subprocess_env(),
        timeout=120,
    )
    assert "warning" not in proc.stderr and "AttributeError" in proc.stderr


@pytest.mark.parametrize(
    "name, expected",
    [
        ("keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.keras.layers.Dense", "keras.layers.Dense"),
        ("tf_keras.optimizers.SGD", "keras.optimizers.SGD"),
        ("tensorflow.reduce_sum", None),
    ],
)
def test_keras_spelling(name, expected):
    assert check._keras_spelling(name) == expected


def test_keras_1_2_keywords_are_reported_where_keras_3_refuses_them(tmp_path):
    source = textwrap.dedent("""\
        import keras
        from keras.optimizers import SGD
        import minikeras as mk
        opt = SGD(lr=0.1)
        layer = keras.layers.Dense(output_dim=3, init="uniform", units2=None)
        model = mk.Sequential([layer])
        model.fit(x, y, nb_epoch=5)
        model.compile(optimizer=mk.optimizers.Adam(learning_rate=1e-3), loss="mse")
        other.fit(x, lr=3)
        keras.layers.Nope(lr=1)
    """)
    verdicts, _ = _verdicts(tmp_path, source)
    assert verdicts[(4, "keras.optimizers.SGD(lr=)")] == "deprecated"
    assert verdicts[(5, "keras.layers.Dense(output_dim=)")] == "deprecated"
    assert verdicts[(5, "keras.layers.Dense(init=)")] == "deprecated"
    assert verdicts[(6, "minikeras.Sequential")] == "supported"  # `import minikeras` works too
    assert verdicts[(7, "Model.fit(nb_epoch=)")] == "deprecated"
    assert verdicts[(9, "Model.fit(lr=)")] == "deprecated"
    assert verdicts[(10, "keras.layers.Nope(lr=)")] == "missing"  # the callee decides
    assert not any("learning_rate" in name or "units2" in name for _, name in verdicts)
    note = check.resolve("keras.optimizers.SGD(lr=)").note
    assert note == "a Keras 1/2 argument Keras 3 refuses; use learning_rate"
