"""Keras 1 files (configs with Keras 1 names, Merge layers, Keras 1 weights) load and predict.

Files are written by `legacy_writer` (h5py, Keras 1 layouts); expected outputs are
NumPy re-computations from the arrays written, not from the loaded model.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from legacy_writer import keras1_dense, write_model, write_weights

import minikeras

RNG = np.random.default_rng(7)


def _arr(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _strict():
    """Loading must not emit any warning (DeprecationWarning included)."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("error")
    return ctx


def _mlp_config():
    first = keras1_dense(
        "dense_1",
        5,
        input_dim=4,
        batch_input_shape=[None, 4],
        input_dtype="float32",
        W_regularizer={"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01},
        b_constraint={"name": "MaxNorm", "m": 2, "axis": 0},
        W_learning_rate_multiplier=None,
    )
    return {
        "class_name": "Sequential",
        "keras_version": "1.2.2",
        "config": [
            first,
            {
                "class_name": "LeakyReLU",
                "config": {"alpha": 0.3, "name": "leakyrelu_1", "trainable": True},
            },
            {"class_name": "Dropout", "config": {"name": "dropout_1", "p": 0.2, "trainable": True}},
            keras1_dense("dense_2", 3, input_dim=5, bias=False),
            {
                "class_name": "Activation",
                "config": {"activation": "softmax", "name": "activation_1", "trainable": True},
            },
        ],
    }


def _mlp_expected(x, w1, b1, w2):
    h = x @ w1 + b1
    h = np.where(h > 0, h, 0.3 * h)
    return _softmax(h @ w2)


def test_keras1_json_and_weights_predict(tmp_path):
    w1, b1, w2 = _arr(4, 5), _arr(5), _arr(5, 3)
    write_weights(
        tmp_path / "w.h5",
        [
            ("dense_1", [("dense_1_W", w1), ("dense_1_b", b1)]),
            ("leakyrelu_1", []),
            ("dropout_1", []),
            ("dense_2", [("dense_2_W", w2)]),
            ("activation_1", []),
        ],
    )
    ctx = _strict()
    try:
        model = minikeras.models.model_from_json(json.dumps(_mlp_config()))
        model.load_weights(tmp_path / "w.h5")
    finally:
        ctx.__exit__(None, None, None)
    dense = model.layers[0]
    assert dense.kernel_regularizer.l2 == pytest.approx(0.01)
    assert not model.layers[3].use_bias
    assert model.layers[2].rate == pytest.approx(0.2)
    x = _arr(6, 4)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _mlp_expected(x, w1, b1, w2), rtol=1e-5, atol=1e-6
    )


def test_double_encoded_json(tmp_path):
    """`json.dump(model.to_json())` wrote a JSON string holding the JSON."""
    text = json.dumps(json.dumps(_mlp_config()))
    model = minikeras.models.model_from_json(text)
    assert [type(lay).__name__ for lay in model.layers][:3] == ["Dense", "LeakyReLU", "Dropout"]


@pytest.mark.parametrize(
    "mode,expected",
    [
        ("concat", lambda a, b: np.concatenate([a, b], axis=-1)),
        ("sum", lambda a, b: a + b),
        ("mul", lambda a, b: a * b),
        ("ave", lambda a, b: (a + b) / 2),
        ("max", np.maximum),
    ],
)
def test_keras1_functional_merge(tmp_path, mode, expected):
    cfg = {
        "class_name": "Model",
        "keras_version": "1.1.0",
        "config": {
            "name": "model_1",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "in_a",
                    "inbound_nodes": [],
                    "config": {
                        "batch_input_shape": [None, 3],
                        "input_dtype": "float32",
                        "sparse": False,
                        "name": "in_a",
                    },
                },
                {
                    "class_name": "InputLayer",
                    "name": "in_b",
                    "inbound_nodes": [],
                    "config": {
                        "batch_input_shape": [None, 2],
                        "input_dtype": "float32",
                        "sparse": False,
                        "name": "in_b",
                    },
                },
                {
                    **keras1_dense("da", 4, activation="relu"),
                    "name": "da",
                    "inbound_nodes": [[["in_a", 0, 0]]],
                },
                {
                    **keras1_dense("db", 4, activation="tanh"),
                    "name": "db",
                    "inbound_nodes": [[["in_b", 0, 0]]],
                },
                {
                    "class_name": "Merge",
                    "name": "merge_1",
                    "inbound_nodes": [[["da", 0, 0], ["db", 0, 0]]],
                    "config": {
                        "name": "merge_1",
                        "concat_axis": -1,
                        "mode_type": "raw",
                        "dot_axes": -1,
                        "mode": mode,
                        "output_shape": None,
                        "output_shape_type": "raw",
                    },
                },
            ],
            "input_layers": [["in_a", 0, 0], ["in_b", 0, 0]],
            "output_layers": [["merge_1", 0, 0]],
        },
    }
    wa, ba, wb, bb = _arr(3, 4), _arr(4), _arr(2, 4), _arr(4)
    write_weights(
        tmp_path / "w.h5",
        [
            ("in_a", []),
            ("in_b", []),
            ("da", [("da_W:0", wa), ("da_b:0", ba)]),
            ("db", [("db_W:0", wb), ("db_b:0", bb)]),
            ("merge_1", []),
        ],
    )
    model = minikeras.models.model_from_json(json.dumps(json.dumps(cfg)))
    model.load_weights(tmp_path / "w.h5")
    xa, xb = _arr(5, 3), _arr(5, 2)
    want = expected(np.maximum(xa @ wa + ba, 0), np.tanh(xb @ wb + bb))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), want, rtol=1e-5, atol=1e-6)


def test_keras1_sequential_with_merge_branches(tmp_path):
    """DDPG-style: `Sequential([Merge([seq_a, seq_b], mode='concat'), Dense])`."""
    branch_a = {
        "class_name": "Sequential",
        "config": [
            keras1_dense("a1", 4, input_dim=3, batch_input_shape=[None, 3], activation="relu")
        ],
    }
    branch_b = {
        "class_name": "Sequential",
        "config": [
            keras1_dense("b1", 2, input_dim=2, batch_input_shape=[None, 2], activation="tanh")
        ],
    }
    cfg = {
        "class_name": "Sequential",
        "keras_version": "1.2.2",
        "config": [
            {
                "class_name": "Merge",
                "config": {
                    "name": "merge_1",
                    "mode": "concat",
                    "concat_axis": -1,
                    "dot_axes": -1,
                    "mode_type": "raw",
                    "output_shape": None,
                    "output_shape_type": "raw",
                    "layers": [branch_a, branch_b],
                },
            },
            keras1_dense("out", 1, activation="sigmoid"),
        ],
    }
    wa, ba, wb, bb, wo, bo = _arr(3, 4), _arr(4), _arr(2, 2), _arr(2), _arr(6, 1), _arr(1)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [
            ("a1", [("a1_W:0", wa), ("a1_b:0", ba)]),
            ("b1", [("b1_W:0", wb), ("b1_b:0", bb)]),
            ("merge_1", []),
            ("out", [("out_W:0", wo), ("out_b:0", bo)]),
        ],
        attrs={"keras_version": "1.2.2"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    xa, xb = _arr(4, 3), _arr(4, 2)
    h = np.concatenate([np.maximum(xa @ wa + ba, 0), np.tanh(xb @ wb + bb)], axis=-1)
    want = 1 / (1 + np.exp(-(h @ wo + bo)))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), want, rtol=1e-5, atol=1e-6)


def test_keras1_batchnorm_running_std_is_the_variance(tmp_path):
    """Keras 1.2's `running_std` held the moving variance (its name notwithstanding)."""
    cfg = {
        "class_name": "Sequential",
        "config": [
            keras1_dense("dense_1", 3, input_dim=2, batch_input_shape=[None, 2]),
            {
                "class_name": "BatchNormalization",
                "config": {
                    "axis": -1,
                    "beta_regularizer": None,
                    "epsilon": 0.001,
                    "gamma_regularizer": None,
                    "mode": 0,
                    "momentum": 0.99,
                    "name": "bn_1",
                    "trainable": True,
                },
            },
        ],
    }
    w, b = _arr(2, 3), _arr(3)
    gamma, beta, mean = _arr(3), _arr(3), _arr(3)
    var = RNG.uniform(0.5, 2.0, size=3).astype(np.float32)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [
            ("dense_1", [("dense_1_W", w), ("dense_1_b", b)]),
            (
                "bn_1",
                [
                    ("bn_1_gamma", gamma),
                    ("bn_1_beta", beta),
                    ("bn_1_running_mean", mean),
                    ("bn_1_running_std", var),
                ],
            ),
        ],
        attrs={"keras_version": "1.2.2"},
        training_config={
            "optimizer_config": {"class_name": "SGD", "config": {"lr": 0.01}},
            "loss": "mse",
            "metrics": None,
            "sample_weight_mode": None,
            "loss_weights": None,
        },
    )
    model = minikeras.models.load_model(tmp_path / "m.h5")
    x = _arr(5, 2)
    h = x @ w + b
    want = gamma * (h - mean) / np.sqrt(var + 0.001) + beta
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def test_keras1_batchnorm_mode_2_is_refused(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": [
            {
                "class_name": "BatchNormalization",
                "config": {
                    "axis": -1,
                    "epsilon": 0.001,
                    "mode": 2,
                    "momentum": 0.99,
                    "name": "bn_1",
                    "batch_input_shape": [None, 3],
                },
            }
        ],
    }
    with pytest.raises(ValueError, match="bn_1.*mode=2"):
        minikeras.models.model_from_json(json.dumps(cfg))


def test_merge_with_a_function_mode_is_refused():
    cfg = {
        "class_name": "Model",
        "config": {
            "name": "m",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "i",
                    "inbound_nodes": [],
                    "config": {"batch_input_shape": [None, 2], "name": "i"},
                },
                {
                    "class_name": "Merge",
                    "name": "merge_7",
                    "inbound_nodes": [[["i", 0, 0], ["i", 0, 0]]],
                    "config": {
                        "name": "merge_7",
                        "mode": "\u00e3\u0001\u0000",
                        "mode_type": "lambda",
                    },
                },
            ],
            "input_layers": [["i", 0, 0]],
            "output_layers": [["merge_7", 0, 0]],
        },
    }
    with pytest.raises(ValueError, match="merge_7.*never loads"):
        minikeras.models.model_from_json(json.dumps(cfg))


def test_unrestorable_initializer_gives_one_warning():
    cfg = _mlp_config()
    cfg["config"][0]["config"]["init"] = "<lambda>"
    cfg["config"][3]["config"]["init"] = "<lambda>"
    with pytest.warns(UserWarning, match="dense_1: kernel_initializer='<lambda>'") as rec:
        minikeras.models.model_from_json(json.dumps(cfg))
    assert len([w for w in rec if issubclass(w.category, UserWarning)]) == 1
    assert "\n" not in str(rec[0].message)


def test_vanished_loss_leaves_the_model_uncompiled(tmp_path):
    """A Keras 2.0 training_config naming a loss that no longer exists: load, warn."""
    cfg = {
        "class_name": "Sequential",
        "keras_version": "2.0.5",
        "config": [
            {
                "class_name": "Dense",
                "config": {"name": "d", "units": 1, "batch_input_shape": [None, 2]},
            }
        ],
    }
    w, b = _arr(2, 1), _arr(1)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [("d", [("d/kernel:0", w), ("d/bias:0", b)])],
        attrs={"keras_version": "2.0.5", "backend": "tensorflow"},
        training_config={
            "loss": "my_custom_loss",
            "optimizer_config": {"class_name": "TFOptimizer", "config": {}},
        },
    )
    with pytest.warns(UserWarning, match="not compiled"):
        model = minikeras.models.load_model(tmp_path / "m.h5")
    assert not model.compiled
    x = _arr(3, 2)
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ w + b, rtol=1e-5, atol=1e-6)
