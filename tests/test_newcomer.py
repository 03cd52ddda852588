"""A newcomer's first hour: the front door (version, usage, licence, help, error messages)."""

from __future__ import annotations

import inspect
import pydoc
import re
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

import minikeras as keras
from minikeras.cli.main import main
from tests.conftest import REPO, subprocess_env


def _cli(*args, cwd=REPO, env=None):
    return subprocess.run(
        [sys.executable, "-m", "minikeras", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or subprocess_env(),
        timeout=300,
    )


# ----------------------------------------------------------------------------- item 4


def test_version_and_program_name(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"minikeras {keras.__version__}\n"
    monkeypatch.setattr(sys, "argv", ["/venv/bin/minikeras"])
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("usage: minikeras [-h] [--version]")
    monkeypatch.setattr(sys, "argv", ["/repo/minikeras/__main__.py"])
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("usage: python -m minikeras [-h]")


def test_module_entry_point_reports_the_version():
    proc = _cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"minikeras {keras.__version__}"


def test_licence_and_metadata_are_declared():
    licence = (REPO / "LICENSE").read_text(encoding="utf8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf8")
    assert 'license = { text = "Apache-2.0" }' in pyproject
    assert re.search(r"^authors = \[", pyproject, re.M)


# ----------------------------------------------------------------------------- item 5


def test_help_on_lstm_shows_its_real_arguments():
    signature = inspect.signature(keras.layers.LSTM)
    for name in (
        "units",
        "activation",
        "recurrent_activation",
        "return_sequences",
        "return_state",
        "dropout",
        "unit_forget_bias",
        "stateful",
    ):
        assert name in signature.parameters, name
    assert signature.parameters["activation"].default == "tanh"
    text = pydoc.render_doc(keras.layers.LSTM, renderer=pydoc.plaintext)
    assert "LSTM(units, activation='tanh', recurrent_activation='sigmoid'" in text
    assert "return_sequences=False" in text
    assert "reset_after=True" in str(inspect.signature(keras.layers.GRU))
    assert str(inspect.signature(keras.layers.ConvLSTM2D)).startswith("(filters, kernel_size,")
    # Instances keep their call signature (the class signature is for the constructor).
    assert "units" not in inspect.signature(keras.layers.LSTM(2)).parameters


@pytest.mark.parametrize("layer", ["LSTM", "GRU", "SimpleRNN"])
def test_a_typo_in_a_recurrent_argument_names_the_layer_called(layer):
    with pytest.raises(ValueError) as exc:
        getattr(keras.layers, layer)(4, return_sequence=True)
    message = str(exc.value)
    assert message.startswith(
        f"Unrecognized keyword arguments passed to {layer}: {{'return_sequence': True}}"
    )
    assert "did you mean `return_sequences`?" in message and "Cell" not in message


def test_public_api_annotations():
    from minikeras.models import Model

    fit = inspect.signature(Model.fit)
    assert fit.parameters["epochs"].annotation == "int"
    assert fit.parameters["batch_size"].annotation == "int | None"
    assert fit.return_annotation == "History"
    assert inspect.signature(Model.predict).parameters["batch_size"].annotation == "int | None"
    assert inspect.signature(Model.evaluate).parameters["return_dict"].annotation == "bool"
    for load_model in (keras.models.load_model, keras.saving.load_model):
        sig = inspect.signature(load_model)
        assert sig.parameters["compile"].annotation == "bool" and sig.return_annotation == "Model"
    dense = inspect.signature(keras.layers.Dense.__init__)
    assert dense.parameters["units"].annotation == "int | None"
    assert dense.parameters["use_bias"].annotation == "bool"
    cat = inspect.signature(keras.utils.to_categorical)
    assert cat.parameters["num_classes"].annotation == "int | None"
    assert cat.return_annotation == "np.ndarray"


# ----------------------------------------------------------------------------- item 6


def test_offline_load_data_is_one_message(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(url, filename=None, reporthook=None):
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlretrieve", offline)
    with pytest.raises(OSError) as exc:
        keras.datasets.mnist.load_data()
    error = exc.value
    assert error.__cause__ is None and error.__suppress_context__  # no chained tracebacks
    message = str(error)
    assert message.count("put it at") == 1 and "place it at" not in message
    assert str(tmp_path / "datasets" / "mnist.npz") in message
    assert "Name or service not known" in message


def test_script_errors_show_the_scripts_own_frames(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        "import keras\n\n\ndef build():\n    return keras.layers.Dense(-1)\n\n\nbuild()\n",
        encoding="utf8",
    )
    proc = _cli(script, cwd=tmp_path)
    assert proc.returncode == 1
    err = proc.stderr
    assert err.startswith("Traceback (most recent call last; frames inside minikeras")
    frames = re.findall(r'^  File "([^"]+)", line (\d+), in (\S+)$', err, re.M)
    assert frames == [(str(script), "8", "<module>"), (str(script), "5", "build")]
    assert err.rstrip().endswith("expected a positive integer. Received: units=-1")
    full = _cli(script, cwd=tmp_path, env={**subprocess_env(), "MINIKERAS_TRACEBACK": "full"})
    assert "minikeras/layers/core/dense.py" in full.stderr  # everything, on request


def test_offline_load_data_in_a_script_is_short(tmp_path):
    script = tmp_path / "mnist.py"
    script.write_text(
        "from keras.datasets import mnist\n(x, y), _ = mnist.load_data()\n", encoding="utf8"
    )
    # An unreachable download address: fails at once, offline or not.
    runner = (
        "import sys, runpy, minikeras.datasets._cache as c; "
        "c.ORIGIN = 'http://127.0.0.1:9/'; import minikeras.datasets.mnist as m; "
        "m.ORIGIN = c.ORIGIN; sys.argv = ['minikeras', sys.argv[1]]; "
        "from minikeras.cli.main import main; sys.exit(main())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", runner, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**subprocess_env(), "KERAS_HOME": str(tmp_path / "kh")},
    )
    assert proc.returncode == 1
    assert proc.stderr.count("Traceback") == 1 and "During handling" not in proc.stderr
    assert proc.stderr.count("put it at") == 1


# ----------------------------------------------------------------------------- item 8


@pytest.fixture
def tiny_model(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
    model.layers[0].set_weights(
        [np.eye(3, 4, dtype="float32"), np.array([0, 0, 0, 0.5], "float32")]
    )
    path = tmp_path / "m.keras"
    model.save(path)
    return path


def test_csv_errors_count_lines_and_columns_from_one(capsys, tmp_path, tiny_model):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n4,x,6\n", encoding="utf8")
    assert main(["predict", str(tiny_model), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"'{bad}', line 3, column 2: 'x' is not a number." in err
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2,3\n4,5\n", encoding="utf8")
    assert main(["predict", str(tiny_model), str(ragged)]) == 1
    assert "line 2: 2 values, but the first data row has 3" in capsys.readouterr().err


def test_predict_classes_prints_one_index_per_line(capsys, tmp_path, tiny_model):
    x = tmp_path / "x.npy"
    np.save(x, np.array([[1, 0, 0], [0, 0, 2], [0, 3, 0]], "float32"))
    assert main(["predict", str(tiny_model), str(x), "--classes"]) == 0
    # Outputs [1,0,0,.5], [0,0,2,.5], [0,3,0,.5]: argmax 0, 2, 1.
    assert capsys.readouterr().out == "0\n2\n1\n"
    single = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    single.layers[0].set_weights([np.array([[1], [0], [0]], "float32"), np.zeros(1, "float32")])
    single.save(tmp_path / "one.keras")
    assert main(["predict", str(tmp_path / "one.keras"), str(x), "--classes"]) == 0
    assert capsys.readouterr().out == "1\n0\n0\n"  # the same layout for a single output


@pytest.mark.parametrize("size", ["0", "-3", "two"])
def test_predict_refuses_a_batch_size_below_one(capsys, tiny_model, size):
    with pytest.raises(SystemExit) as exc:
        main(["predict", str(tiny_model), "x.npy", "--batch-size", size])
    assert exc.value.code == 2
    assert f"expected a positive integer, received '{size}'" in capsys.readouterr().err


# ----------------------------------------------------------------------------- item 9


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "examples").glob("*.py")))
def test_example_help_speaks_to_the_user(name):
    proc = subprocess.run(
        [sys.executable, str(REPO / "examples" / name), "--help"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Seed system" not in proc.stdout and "usage:" in proc.stdout


# ----------------------------------------------------------------------------- item 3


def _save_listing_model(folder, hidden_kernel, hidden_bias, out_kernel, out_bias):
    """A 2-10-1 tanh/sigmoid model as `compat/book_xor.py` saves it, with chosen weights."""
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(10),
            keras.layers.Activation("tanh"),
            keras.layers.Dense(1),
            keras.layers.Activation("sigmoid"),
        ]
    )
    model.layers[0].set_weights([hidden_kernel, hidden_bias])
    model.layers[2].set_weights([out_kernel, out_bias])
    (folder / "basic_model.json").write_text(model.to_json(), encoding="utf8")
    model.save_weights(folder / "basic_weights.h5")


def _after_listing(folder, *args):
    return subprocess.run(
        [sys.executable, str(REPO / "examples" / "book_xor.py"), "--after-listing", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
    )


def test_after_listing_explains_the_books_non_convergence(tmp_path):
    # All-zero weights: every output is sigmoid(0) = 0.5, classes [0, 0, 0, 0] (not XOR).
    _save_listing_model(
        tmp_path,
        np.zeros((2, 10), "float32"),
        np.full(10, 0.1, "float32"),
        np.zeros((10, 1), "float32"),
        np.zeros(1, "float32"),
    )
    proc = _after_listing(tmp_path, "--more-epochs", "0")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(
        "The listing's model predicts classes [0, 0, 0, 0] where XOR is "
        "[0, 1, 1, 0]: not solved after its 100 epochs. This is the book's "
        "known non-convergence"
    )
    assert "XOR not solved yet" in out


def test_after_listing_recognises_a_solved_listing(tmp_path):
    # Hand-made XOR: h1 = tanh(4(a+b) - 2) (OR-ish), h2 = tanh(4(a+b) - 6) (AND-ish).
    kernel = np.zeros((2, 10), "float32")
    kernel[:, 0] = kernel[:, 1] = 4.0
    bias = np.zeros(10, "float32")
    bias[0], bias[1] = -2.0, -6.0
    out_kernel = np.zeros((10, 1), "float32")
    out_kernel[0, 0], out_kernel[1, 0] = 5.0, -5.0
    _save_listing_model(tmp_path, kernel, bias, out_kernel, np.array([-0.5], "float32"))
    proc = _after_listing(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        "The listing's model solves XOR: it predicts classes [0, 1, 1, 0]"
    )
    assert "classes:     [0, 1, 1, 0]" in proc.stdout


def test_after_listing_without_the_listing_files_says_what_to_run(tmp_path):
    proc = _after_listing(tmp_path)
    assert proc.returncode == 2 and "run `python compat/book_xor.py`" in proc.stderr


def test_text_given_to_a_numeric_model_says_how_to_encode_it():
    model = keras.Sequential(
        [keras.layers.Input((2,)), keras.layers.Dense(3, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    words = np.array([["a", "b"], ["c", "d"]])
    for call in (
        lambda: model.predict(words, verbose=0),
        lambda: model.predict_on_batch(words),
        lambda: model.fit(words, np.array([0, 1]), verbose=0),
        lambda: model.evaluate(words, np.array([0, 1]), verbose=0),
    ):
        with pytest.raises(ValueError, match=r"`x` holds text \(dtype <U1, e.g. 'a'\).*"):
            call()
    with pytest.raises(ValueError, match=r"Targets must be numbers; received text.*'cat'"):
        model.fit(np.ones((2, 2), "float32"), np.array(["cat", "dog"]), verbose=0)
    text = keras.Sequential(
        [keras.layers.Input((1,), dtype="string"), keras.layers.StringLookup(vocabulary=["a", "b"])]
    )
    np.testing.assert_array_equal(text.predict(np.array([["b"], ["z"]]), verbose=0), [[2], [0]])
