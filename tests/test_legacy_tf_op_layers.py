"""tf.keras `TFOpLambda`/`SlicingOpLambda` layers: read from tf.keras files, written for them.

The tf.keras config below follows what tf_keras 2.21 wrote for
`h * 2.0`, `tf.reduce_sum(h, -1, keepdims=True)`, `tf.cast(tf.not_equal(h, 0.), "float32")`,
`h[:, 1:2]`, `1.0 - h` and `tf.concat` (recorded once from tf_keras, written here by hand).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from legacy_writer import write_model

import minikeras
from minikeras import layers, ops

RNG = np.random.default_rng(5)


def _op(name, function, node, cls="TFOpLambda"):
    return {
        "class_name": cls,
        "name": name,
        "inbound_nodes": [node],
        "config": {"name": name, "trainable": True, "dtype": "float32", "function": function},
    }


def _tf_keras_config():
    return {
        "class_name": "Functional",
        "config": {
            "name": "model",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "input_1",
                    "inbound_nodes": [],
                    "config": {
                        "batch_input_shape": [None, 4],
                        "dtype": "float32",
                        "name": "input_1",
                    },
                },
                {
                    "class_name": "Dense",
                    "name": "dense",
                    "inbound_nodes": [[["input_1", 0, 0, {}]]],
                    "config": {"name": "dense", "units": 3, "activation": "linear"},
                },
                _op("tf.math.multiply", "math.multiply", ["dense", 0, 0, {"y": 2.0, "name": None}]),
                _op("tf.math.not_equal", "math.not_equal", ["dense", 0, 0, {"y": 0.0}]),
                _op(
                    "tf.math.reduce_sum",
                    "math.reduce_sum",
                    ["dense", 0, 0, {"axis": -1, "keepdims": True}],
                ),
                _op("tf.cast", "cast", ["tf.math.not_equal", 0, 0, {"dtype": "float32"}]),
                _op(
                    "tf.__operators__.getitem",
                    "__operators__.getitem",
                    [
                        "dense",
                        0,
                        0,
                        {
                            "slice_spec": [
                                {"start": None, "stop": None, "step": None},
                                {"start": 1, "stop": 2, "step": None},
                            ]
                        },
                    ],
                    cls="SlicingOpLambda",
                ),
                _op(
                    "tf.math.subtract",
                    "math.subtract",
                    ["_CONSTANT_VALUE", -1, 1.0, {"y": ["dense", 0, 0], "name": None}],
                ),
                _op(
                    "tf.__operators__.add",
                    "__operators__.add",
                    ["dense", 0, 0, {"y": ["tf.math.multiply", 0, 0], "name": None}],
                ),
                {
                    "class_name": "TFOpLambda",
                    "name": "tf.concat",
                    "config": {
                        "name": "tf.concat",
                        "trainable": True,
                        "dtype": "float32",
                        "function": "concat",
                    },
                    "inbound_nodes": [
                        [
                            ["tf.math.multiply", 0, 0, {"axis": -1}],
                            ["tf.math.reduce_sum", 0, 0, {"axis": -1}],
                            ["tf.cast", 0, 0, {"axis": -1}],
                            ["tf.__operators__.getitem", 0, 0, {"axis": -1}],
                            ["tf.math.subtract", 0, 0, {"axis": -1}],
                            ["tf.__operators__.add", 0, 0, {"axis": -1}],
                        ]
                    ],
                },
            ],
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["tf.concat", 0, 0]],
        },
        "keras_version": "2.15.0",
        "backend": "tensorflow",
    }


def test_reads_tf_keras_op_layers(tmp_path):
    w, b = RNG.normal(size=(4, 3)).astype(np.float32), RNG.normal(size=3).astype(np.float32)
    write_model(
        tmp_path / "m.h5",
        _tf_keras_config(),
        [("input_1", []), ("dense", [("dense/kernel:0", w), ("dense/bias:0", b)])]
        + [
            (name, [])
            for name in (
                "tf.math.multiply",
                "tf.math.not_equal",
                "tf.math.reduce_sum",
                "tf.cast",
                "tf.__operators__.getitem",
                "tf.math.subtract",
                "tf.__operators__.add",
                "tf.concat",
            )
        ],
        attrs={"keras_version": "2.15.0", "backend": "tensorflow"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = RNG.normal(size=(5, 4)).astype(np.float32)
    h = x @ w + b
    want = np.concatenate(
        [
            2 * h,
            h.sum(-1, keepdims=True),
            (h != 0).astype(np.float32),
            h[:, 1:2],
            1.0 - h,
            h + 2 * h,
        ],
        axis=-1,
    )
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)


def _ops_model():
    i = layers.Input((4,))
    h = layers.Dense(3)(i)
    s = ops.sum(h, axis=-1, keepdims=True)
    ne = ops.cast(ops.not_equal(h, 0.0), "float32")
    out = layers.Concatenate()(
        [
            h * 2.0,
            s,
            ne,
            h[:, 1:2],
            1.0 - h,
            ops.transpose(ops.expand_dims(h, 1), (0, 2, 1))[..., 0],
        ]
    )
    return minikeras.Model(i, out)


def test_keras2_json_uses_tf_keras_op_layers():
    model = _ops_model()
    cfg = json.loads(model.to_json())
    ops_entries = {
        e["config"]["function"]: e
        for e in cfg["config"]["layers"]
        if e["class_name"] in ("TFOpLambda", "SlicingOpLambda")
    }
    assert set(ops_entries) >= {
        "math.reduce_sum",
        "cast",
        "math.not_equal",
        "math.multiply",
        "__operators__.getitem",
        "math.subtract",
        "expand_dims",
        "compat.v1.transpose",
    }
    assert ops_entries["math.reduce_sum"]["inbound_nodes"] == [
        ["dense", 0, 0, {"axis": -1, "keepdims": True}]
    ]
    assert ops_entries["math.subtract"]["inbound_nodes"][0][:3] == ["_CONSTANT_VALUE", -1, 1.0]
    specs = [
        e["inbound_nodes"][0][3]["slice_spec"]
        for e in cfg["config"]["layers"]
        if e["class_name"] == "SlicingOpLambda"
    ]
    assert [
        {"start": None, "stop": None, "step": None},
        {"start": 1, "stop": 2, "step": None},
    ] in specs
    assert [{"class_name": "__ellipsis__"}, 0] in specs
    assert not [e for e in cfg["config"]["layers"] if "ops" in str(e.get("module"))]


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_op_models_round_trip(tmp_path, suffix):
    model = _ops_model()
    x = RNG.normal(size=(3, 4)).astype(np.float32)
    model.save(tmp_path / f"m{suffix}")
    again = minikeras.models.load_model(tmp_path / f"m{suffix}", compile=False)
    np.testing.assert_allclose(
        again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6
    )


def test_op_without_tf_keras_layer_is_refused(tmp_path):
    i = layers.Input((4,))
    model = minikeras.Model(i, ops.cumsum(i, axis=-1))
    with pytest.raises(ValueError, match=r"keras\.ops\.cumsum.*`\.keras`"):
        model.save(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")  # the Keras 3 format holds it
