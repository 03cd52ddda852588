"""`python -m minikeras convert / summary / predict` on old files (written by legacy_writer)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from legacy_writer import keras1_conv2d, keras1_dense, keras1_rnn, write_model, write_weights

import minikeras
from minikeras.cli.main import main

RNG = np.random.default_rng(9)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _keras1_lstm_file(path):
    cfg = {
        "class_name": "Sequential",
        "config": [
            keras1_rnn("LSTM", "lstm_1", 3, input_dim=2, batch_input_shape=[None, 4, 2]),
            keras1_dense("dense_1", 1, input_dim=3),
        ],
    }
    names = [
        (f"lstm_1_{k}_{g}", RNG.normal(size=s).astype(np.float32))
        for g in "icfo"
        for k, s in (("W", (2, 3)), ("U", (3, 3)), ("b", (3,)))
    ]
    write_model(
        path,
        cfg,
        [
            ("lstm_1", names),
            (
                "dense_1",
                [("dense_1_W", RNG.normal(size=(3, 1))), ("dense_1_b", RNG.normal(size=1))],
            ),
        ],
        attrs={"keras_version": "1.2.2"},
    )


def test_convert_keras1_file_to_keras_archive(tmp_path, capsys):
    _keras1_lstm_file(tmp_path / "old.h5")
    code, out, _ = run(capsys, "convert", tmp_path / "old.h5", tmp_path / "new.keras")
    assert code == 0 and "Wrote" in out
    with zipfile.ZipFile(tmp_path / "new.keras") as zf:
        meta = json.loads(zf.read("metadata.json"))
        config = zf.read("config.json").decode()
    assert meta["minikeras_version"] == minikeras.__version__
    assert meta["keras_version"].startswith("3.")
    assert '"recurrent_activation": "hard_sigmoid"' in config  # Keras 3's, weights rescaled
    x = RNG.normal(size=(3, 4, 2)).astype(np.float32) * 3
    old = minikeras.models.load_model(tmp_path / "old.h5", compile=False)
    new = minikeras.models.load_model(tmp_path / "new.keras", compile=False)
    np.testing.assert_allclose(
        new.predict(x, verbose=0), old.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_convert_to_keras3_json(tmp_path, capsys):
    _keras1_lstm_file(tmp_path / "old.h5")
    code, _, _ = run(
        capsys, "convert", "--keras-version", "2", tmp_path / "old.h5", tmp_path / "k2.json"
    )
    assert code == 0
    k2 = json.loads((tmp_path / "k2.json").read_text())
    assert k2["keras_version"].startswith("2.") and "module" not in k2
    code, _, err = run(
        capsys, "convert", "--keras-version", "3", tmp_path / "old.h5", tmp_path / "k3.json"
    )
    # Keras 3 JSON has no name for Keras 2's hard_sigmoid and no weights to rescale
    assert code != 0 and "hard_sigmoid" in err
    cfg = {
        "class_name": "Sequential",
        "config": [keras1_dense("d", 2, input_dim=3, batch_input_shape=[None, 3])],
    }
    write_model(
        tmp_path / "mlp.h5",
        cfg,
        [("d", [("d_W", RNG.normal(size=(3, 2))), ("d_b", RNG.normal(size=2))])],
        attrs={"keras_version": "1.2.2"},
    )
    code, _, _ = run(
        capsys, "convert", "--keras-version", "3", tmp_path / "mlp.h5", tmp_path / "mlp.json"
    )
    assert code == 0
    k3 = json.loads((tmp_path / "mlp.json").read_text())
    assert k3["module"] == "keras" and k3["minikeras_version"] == minikeras.__version__
    assert k3["config"]["layers"][1]["config"]["units"] == 2
    code, _, err = run(
        capsys, "convert", "--keras-version", "2", tmp_path / "mlp.h5", tmp_path / "mlp.keras"
    )
    assert code != 0 and "--keras-version 2" in err


def test_summary_and_predict_on_double_encoded_json_and_keras1_weights(tmp_path, capsys):
    cfg = {
        "class_name": "Sequential",
        "keras_version": "1.1.0",
        "config": [
            keras1_dense(
                "dense_1", 2, input_dim=3, batch_input_shape=[None, 3], activation="softmax"
            )
        ],
    }
    (tmp_path / "model.json").write_text(json.dumps(json.dumps(cfg)))
    w, b = RNG.normal(size=(3, 2)).astype(np.float32), RNG.normal(size=2).astype(np.float32)
    write_weights(tmp_path / "w.h5", [("dense_1", [("dense_1_W:0", w), ("dense_1_b:0", b)])])
    code, out, _ = run(capsys, "summary", tmp_path / "model.json", "--weights", tmp_path / "w.h5")
    assert code == 0 and "dense_1" in out and "8" in out
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    code, _, _ = run(
        capsys,
        "predict",
        tmp_path / "model.json",
        tmp_path / "x.npy",
        "--weights",
        tmp_path / "w.h5",
        "--output",
        tmp_path / "y.npy",
    )
    assert code == 0
    z = x @ w + b
    want = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("backend", ["theano", "tensorflow"])
def test_predict_legacy_backend_option(tmp_path, capsys, backend):
    """A Keras 1.0 file without version or `:0` names: `--legacy-backend` decides."""
    cfg = {
        "class_name": "Sequential",
        "config": [keras1_conv2d("c", 1, 2, 2, batch_input_shape=[None, 3, 3, 1])],
    }
    kernel = np.arange(4, dtype=np.float32).reshape(2, 2, 1, 1)
    write_model(tmp_path / "m.h5", cfg, [("c", [("c/W", kernel), ("c/b", np.zeros(1))])])
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    np.save(tmp_path / "x.npy", x)
    code, _, _ = run(
        capsys,
        "predict",
        tmp_path / "m.h5",
        tmp_path / "x.npy",
        "--legacy-backend",
        backend,
        "--output",
        tmp_path / "y.npy",
    )
    assert code == 0
    k = kernel[::-1, ::-1, 0, 0] if backend == "theano" else kernel[:, :, 0, 0]
    want = np.array(
        [[(x[0, i : i + 2, j : j + 2, 0] * k).sum() for j in range(2)] for i in range(2)]
    )
    np.testing.assert_allclose(np.load(tmp_path / "y.npy")[0, :, :, 0], want, rtol=1e-6)


def test_convert_names_layers_keras3_lacks(tmp_path, capsys):
    from minikeras.legacy.layers import Highway, LocallyConnected1D

    model = minikeras.Sequential(
        [minikeras.Input((6, 2)), LocallyConnected1D(2, 3, name="lc"), minikeras.layers.Flatten()]
    )
    model.save(tmp_path / "lc.h5")
    code, out, _ = run(capsys, "convert", tmp_path / "lc.h5", tmp_path / "lc.keras")
    assert code == 0
    assert "Note: Keras 3 has no LocallyConnected1D layer (lc): minikeras reads" in out
    code, out, _ = run(capsys, "convert", tmp_path / "lc.keras", tmp_path / "back.h5")
    assert code == 0 and "Note" not in out  # tf_keras reads LocallyConnected in .h5 files
    plain = minikeras.Sequential([minikeras.Input((3,)), Highway(name="hw")])
    plain.save(tmp_path / "hw.h5")
    code, out, _ = run(capsys, "convert", tmp_path / "hw.h5", tmp_path / "hw.keras")
    assert "Keras 3 has no Highway layer (hw)" in out
    code, out, _ = run(capsys, "convert", tmp_path / "hw.keras", tmp_path / "hw2.h5")
    assert "Note: Keras 2 and 3 have no Highway layer (hw): minikeras reads" in out
