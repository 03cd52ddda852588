"""The package follows Python's conventions: a wheel with LICENSE and the typed API, and
type checkers see the annotations of the public API."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import pytest

from tests.conftest import REPO

USER_SCRIPT = textwrap.dedent("""\
    import numpy as np
    import minikeras as keras
    from minikeras.models import load_model

    x = np.zeros((4, 2), "float32")
    y = keras.utils.to_categorical([0, 1, 1, 0], num_classes=2)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    print(history.history["loss"])
    print(model.predict(x, verbose=0).argmax(axis=-1))
    print(model.evaluate(x, y, verbose=0))
    model.save("m.keras")
    again = load_model("m.keras")
    again.fit(x, y, epochs="ten")
    keras.layers.Dense(units="4")
    keras.utils.to_categorical([1], num_classes="3")
    load_model(3)
""")


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason='mypy is not installed (it is in the "test" extra)',
)
def test_mypy_finds_the_public_annotations(tmp_path):
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT, encoding="utf8")
    env = {**os.environ, "MYPYPATH": str(REPO)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--follow-imports=silent",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-error-summary",
            "--hide-error-context",
            str(script),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = re.findall(r"^\S*user\.py:(\d+): error: (.*?)  \[", proc.stdout, re.M)
    errors = [(line, re.sub(r'of "\w*Trainer"', 'of "Trainer"', text)) for line, text in errors]
    assert errors == [
        (
            "15",
            'Argument "epochs" to "fit" of "Trainer" has incompatible type "str"; expected "int"',
        ),
        ("16", 'Argument "units" to "Dense" has incompatible type "str"; expected "int | None"'),
        (
            "17",
            'Argument "num_classes" to "to_categorical" has incompatible type "str"; '
            'expected "int | None"',
        ),
        (
            "18",
            'Argument 1 to "load_model" has incompatible type "int"; '
            'expected "str | PathLike[Any]"',
        ),
    ], proc.stdout + proc.stderr


def _build_backend_available() -> bool:
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    major = int(setuptools.__version__.split(".")[0])
    return major >= 71 or (major >= 64 and importlib.util.find_spec("wheel") is not None)


@pytest.mark.slow
def test_wheel_holds_licence_typed_api_and_data(tmp_path):
    flags = ["--no-build-isolation", "--no-index"] if _build_backend_available() else []
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            *flags,
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = tmp_path.glob("minikeras-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = z.read(f"{info}/METADATA").decode("utf8")
        licences = [n for n in names if n.startswith(info) and "LICENSE" in n]
        assert licences, names
        assert "Apache License" in z.read(licences[0]).decode("utf8")
    assert "minikeras/py.typed" in names
    assert "minikeras/cli/data/keras_names.tsv" in names
    assert "minikeras/cli/check.py" in names
    assert re.search(r"^License: Apache-2\.0$", metadata, re.M)
    assert re.search(r"^Author: The minikeras developers$", metadata, re.M)
    assert "Classifier: Typing :: Typed" in metadata
