"""Both directions with real Keras: files minikeras writes load in tf_keras / Keras 3 and
predict the same; files they write load in minikeras. Optional: needs a Python with
`keras` (3.x) and `tf_keras` installed, named by MINIKERAS_KERAS_PYTHON (it imports
TensorFlow, so it is not run by default).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest
from legacy_writer import keras1_rnn, write_model

import minikeras
from minikeras import layers, ops

KERAS_PYTHON = os.environ.get("MINIKERAS_KERAS_PYTHON")
pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(
        not KERAS_PYTHON or not pathlib.Path(KERAS_PYTHON).exists(),
        reason="set MINIKERAS_KERAS_PYTHON to a Python with keras 3 and "
        "tf_keras (e.g. /opt/kvenv/bin/python) to run the oracle",
    ),
]

_REAL = r"""
import json, os, sys
import numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "jax"
jobs, out_dir = json.loads(sys.argv[1]), sys.argv[2]
results = {}
for kind, path, x_path in jobs:
    try:
        if kind == "tfk":
            import tf_keras as K
        else:
            import keras as K
        m = K.models.load_model(path, compile=False)
        results[kind + path] = np.asarray(m.predict(np.load(x_path), verbose=0)).tolist()
    except Exception as exc:
        results[kind + path] = f"{type(exc).__name__}: {exc}"[:300]
import keras, tf_keras, tensorflow as tf
i = tf_keras.Input((4,)); h = tf_keras.layers.Dense(3)(i)
m = tf_keras.Model(i, tf_keras.layers.Concatenate()([h * 2.0, tf.reduce_sum(h, -1, keepdims=True),
                                                     h[:, 1:2], 1.0 - h]))
m.save(os.path.join(out_dir, "tfk_ops.h5"))
i = keras.Input((4,)); h = keras.layers.Dense(3)(i)
k = keras.Model(i, keras.layers.Concatenate()([h * 2.0, keras.ops.sum(h, -1, keepdims=True),
                                               h[:, 1:2], keras.ops.cast(h > 0, "float32")]))
k.save(os.path.join(out_dir, "k3_ops.keras"))
x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
results["tfk_ops"] = m.predict(x, verbose=0).tolist()
results["k3_ops"] = np.asarray(k.predict(x, verbose=0)).tolist()
with open(os.path.join(out_dir, "results.json"), "w") as f:
    json.dump(results, f)
"""


def _models(tmp_path):
    rng = np.random.default_rng(0)
    i = layers.Input((4,))
    h = layers.Dense(3)(i)
    ops_model = minikeras.Model(
        i,
        layers.Concatenate()(
            [
                h * 2.0,
                ops.sum(h, axis=-1, keepdims=True),
                ops.cast(ops.not_equal(h, 0.0), "float32"),
                h[:, 1:2],
                1.0 - h,
            ]
        ),
    )
    inner = minikeras.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu")])
    nested = minikeras.Sequential([layers.Input((4,)), inner, layers.Dense(2)])
    lstm = minikeras.Sequential(
        [layers.Input((5, 3)), layers.LSTM(4, dropout=0.1, seed=2), layers.Dense(2)]
    )
    from minikeras.legacy.layers import LocallyConnected1D, LocallyConnected2D

    local = minikeras.Sequential(
        [
            layers.Input((2, 5, 4)),
            LocallyConnected2D(
                3, (2, 3), padding="same", data_format="channels_first", implementation=3
            ),
            layers.Reshape((3, 20)),
            LocallyConnected1D(2, 3, strides=2, implementation=2),
        ]
    )
    out = {"ops": ops_model, "nested": nested, "lstm": lstm, "locally_connected": local}
    for m in out.values():
        for w in m.weights:
            w.assign(rng.normal(size=w.shape).astype(np.float32) * 0.5)
    gates = [rng.normal(size=s).astype(np.float32) for s in ((3, 4), (4, 4), (4,))] * 4
    cfg = {
        "class_name": "Sequential",
        "config": [keras1_rnn("LSTM", "lstm_1", 4, input_dim=3, batch_input_shape=[None, 5, 3])],
    }
    write_model(
        tmp_path / "k1.h5",
        cfg,
        [
            (
                "lstm_1",
                [
                    (f"lstm_1_{k}_{g}", a)
                    for (g, k), a in zip([(g, k) for g in "icfo" for k in "WUb"], gates)
                ],
            )
        ],
        attrs={"keras_version": "1.2.2"},
    )
    out["keras1_lstm"] = minikeras.models.load_model(tmp_path / "k1.h5", compile=False)
    w, b = gates[0], gates[2]
    tdd = {
        "class_name": "TimeDistributedDense",
        "config": {"name": "tdd_1", "output_dim": 4, "input_dim": 3, "input_length": 5},
    }
    write_model(
        tmp_path / "k1_tdd.h5",
        {"class_name": "Sequential", "config": [tdd]},
        [("tdd_1", [("tdd_1_W", w), ("tdd_1_b", b)])],
        attrs={"keras_version": "1.1.0"},
    )
    out["keras1_tdd"] = minikeras.models.load_model(tmp_path / "k1_tdd.h5", compile=False)
    return out


def test_both_directions_with_real_keras(tmp_path):
    jobs, expected = [], {}
    for name, model in _models(tmp_path).items():
        x = np.random.default_rng(1).normal(size=(2, *model.inputs[0].shape[1:])).astype(np.float32)
        np.save(tmp_path / f"{name}_x.npy", x)
        for suffix, kind in ((".h5", "tfk"), (".h5", "k3"), (".keras", "k3")):
            path = str(tmp_path / f"{name}{suffix}")
            if not os.path.exists(path):
                model.save(path)
            if name in ("ops", "keras1_lstm") and suffix == ".h5" and kind == "k3":
                # Keras 3 reads neither tf.keras op layers nor Keras 2's hard_sigmoid in
                # `.h5` files; it reads the `.keras` file of the same model.
                continue
            if name == "locally_connected" and kind == "k3":
                continue  # Keras 3 has no LocallyConnected layers; tf_keras reads the `.h5`
            jobs.append([kind, path, str(tmp_path / f"{name}_x.npy")])
            expected[path] = model.predict(x, verbose=0)
    subprocess.run(
        [KERAS_PYTHON, "-c", _REAL, json.dumps(jobs), str(tmp_path)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    results = json.loads((tmp_path / "results.json").read_text())
    problems = []
    for kind, path, _ in jobs:
        got = results[kind + path]
        if isinstance(got, str):
            problems.append(f"{kind} {os.path.basename(path)}: {got}")
        elif not np.allclose(got, expected[path], rtol=1e-4, atol=1e-5):
            problems.append(f"{kind} {os.path.basename(path)}: predictions differ")
    assert not problems, problems
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    for name, suffix in (("tfk_ops", ".h5"), ("k3_ops", ".keras")):
        model = minikeras.models.load_model(tmp_path / f"{name}{suffix}", compile=False)
        np.testing.assert_allclose(model.predict(x, verbose=0), results[name], rtol=1e-5, atol=1e-5)
