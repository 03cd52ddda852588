"""Ops applied to KerasTensors become graph nodes (`symbolic_op`)."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.ops.op_node import (
    OpNode,
    op_class_name,
    op_name_from_class,
    op_node_from_config,
    symbolic_op,
)


def test_arithmetic_on_keras_tensors_builds_a_model():
    x = keras.Input((3,))
    y = 1 - (x * 2 + 1) / 4
    model = keras.Model(x, y)
    data = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(model.predict(data, verbose=0), 1 - (data * 2 + 1) / 4)
    assert [type(lay).__name__ for lay in model.operations[1:]] == [
        "Multiply",
        "Add",
        "Divide",
        "Subtract",
    ]
    # As in Keras 3: op nodes are operations, not layers.
    assert [type(lay).__name__ for lay in model.layers] == ["InputLayer"]
    with pytest.raises(ValueError, match="No such layer: multiply"):
        model.get_layer("multiply")
    assert model.output_shape == (None, 3)


def test_getitem_matmul_power_negative_and_keras_ops():
    x = keras.Input((4,))
    w = np.arange(8, dtype="float32").reshape(4, 2)
    first = x[:, :2]
    out = symbolic_op(ops.sum, -(first**2) + (x @ w), axis=-1, keepdims=True)
    model = keras.Model(x, out)
    data = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    want = np.sum(-(data[:, :2] ** 2) + data @ w, axis=-1, keepdims=True)
    np.testing.assert_allclose(model(data), want, rtol=1e-5)
    assert model.output_shape == (None, 1)
    sum_layer = model.operations[-1]
    assert type(sum_layer).__name__ == "Sum"
    assert sum_layer.get_config() == {"name": sum_layer.name, "axis": -1, "keepdims": True}


def test_list_arguments_and_dtype_inference():
    a, b = keras.Input((2,)), keras.Input((3,))
    cat = symbolic_op("concatenate", [a, b], axis=1)
    flag = symbolic_op("greater", cat, 0.0)
    assert cat.shape == (None, 5) and flag.dtype == "bool"
    model = keras.Model([a, b], cat)
    out = model([np.ones((2, 2), "float32"), np.zeros((2, 3), "float32")])
    np.testing.assert_array_equal(out, [[1, 1, 0, 0, 0]] * 2)


def test_gradients_flow_through_op_nodes():
    x = keras.Input((3,))
    h = keras.layers.Dense(2)(x)
    model = keras.Model(x, h * 3.0 + 1.0)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    xs = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    ys = xs[:, :2] * 2
    hist = model.fit(xs, ys, epochs=20, verbose=0)
    assert hist.history["loss"][-1] < 0.1 * hist.history["loss"][0]


def test_op_node_config_round_trip_like_keras3():
    assert op_class_name("expand_dims") == "ExpandDims"
    assert op_class_name("getitem") == "GetItem"
    assert op_name_from_class("ExpandDims") == "expand_dims"
    layer = op_node_from_config("Sum", {"name": "sum", "axis": -1, "keepdims": True})
    assert isinstance(layer, OpNode) and type(layer).__name__ == "Sum"
    np.testing.assert_allclose(layer({"args": [np.ones((2, 3))], "kwargs": {}}), [[3], [3]])
    with pytest.raises(ValueError, match="Unknown op"):
        symbolic_op("no_such_op", keras.Input((2,)))


def test_op_nodes_serialize_like_keras3_operations():
    from minikeras.layers import Multiply
    from minikeras.saving.serialization import deserialize_keras_object, serialize_keras_object

    x = keras.Input((3,))
    y = symbolic_op(ops.sum, x * 2, axis=-1)
    mul_layer, sum_layer = (
        y._keras_history[0]._inbound_nodes[0].parent_nodes[0].layer,
        y._keras_history[0],
    )
    cfg = serialize_keras_object(mul_layer)
    assert cfg["module"] == "keras.src.ops.numpy" and cfg["class_name"] == "Multiply"
    # As written by Keras 3.15.1 for `x * 2` (see the Keras functional config):
    keras3 = {
        "module": "keras.src.ops.numpy",
        "class_name": "Multiply",
        "config": {"name": "multiply"},
        "registered_name": "Multiply",
    }
    restored = deserialize_keras_object(keras3)
    assert isinstance(restored, OpNode) and not isinstance(restored, Multiply)
    np.testing.assert_allclose(restored.call_op(np.ones((1, 3), "float32"), 2), [[2, 2, 2]])
    again = deserialize_keras_object(serialize_keras_object(sum_layer))
    assert again.get_config() == sum_layer.get_config()
    z = again.call_op(keras.Input((4,)))
    assert z.shape == (None,)
    # A real merging layer still deserializes as the layer.
    merged = deserialize_keras_object(
        {"module": "keras.layers", "class_name": "Multiply", "config": {"name": "m"}}
    )
    assert isinstance(merged, Multiply)


def test_comparison_abs_and_reflected_dunders():
    x = keras.Input((2,))
    w = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")
    outs = [abs(x), x > 0, x <= 1, 2.0**x, w @ keras.layers.Reshape((2, 1))(x), np.float32(3.0) * x]
    model = keras.Model(x, outs)
    data = np.array([[-1.0, 3.0]], "float32")
    got = model(data)
    np.testing.assert_allclose(got[0], [[1, 3]])
    np.testing.assert_array_equal(got[1], [[False, True]])
    np.testing.assert_array_equal(got[2], [[True, False]])
    np.testing.assert_allclose(got[3], [[0.5, 8.0]])
    np.testing.assert_allclose(got[4], [[[-1.0], [6.0]]])
    np.testing.assert_allclose(got[5], [[-3.0, 9.0]])
    assert outs[1].dtype == "bool" and outs[4].shape == (None, 2, 1)


def test_explicit_mask_tensor_argument_like_keras3_graphs():
    """Keras 3 files record Embedding masks as a `NotEqual` op passed as `mask=`."""
    tokens = np.array([[3, 1, 0, 0], [2, 5, 6, 1]], "int32")
    x = keras.Input((4,), dtype="int32")
    emb = keras.layers.Embedding(8, 3)
    lstm = keras.layers.LSTM(2)
    mask = symbolic_op("not_equal", x, 0)
    explicit = keras.Model(x, lstm(emb(x), mask=mask))
    auto_emb = keras.layers.Embedding(8, 3, mask_zero=True)
    auto_lstm = keras.layers.LSTM(2)
    y = keras.Input((4,), dtype="int32")
    auto = keras.Model(y, auto_lstm(auto_emb(y)))
    auto.set_weights(explicit.get_weights())
    np.testing.assert_allclose(explicit(tokens), auto(tokens), rtol=1e-6)
    # The mask really is used: without it the padded steps change the result.
    unmasked = keras.Model(x, lstm(emb(x)))
    assert not np.allclose(unmasked(tokens)[0], explicit(tokens)[0])
    assert "not_equal" in [lay.name for lay in explicit.operations]


def test_model_training_flag_overrides_recorded_training_kwarg():
    """Keras 3 graphs record `training=False` on calls; `model(x, training=True)` wins."""
    x = keras.Input((200,))
    y = keras.layers.Dropout(0.5)(x, training=False)
    model = keras.Model(x, y)
    data = np.ones((1, 200), "float32")
    np.testing.assert_array_equal(model(data), data)
    assert (np.asarray(model(data, training=True)) == 0).sum() > 50


def test_summary_lists_op_nodes(capsys):
    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Dense(2)(x * 2.0))
    model.summary()
    text = capsys.readouterr().out
    assert "multiply (Multiply)" in text and "dense (Dense)" in text


def test_linear_algebra_ops_build_on_symbolic_square_matrices():
    """Shape inference runs each op on stand-in arrays; all-ones matrices are singular, so
    `ops.inv(keras.Input((3, 3)))` failed while building the model ("Singular matrix")."""
    x = keras.Input((3, 3))
    for name in ("inv", "cholesky", "logdet"):
        out = getattr(keras.ops, name)(x)
        assert tuple(out.shape) == ((None,) if name == "logdet" else (None, 3, 3))
    assert tuple(ops.solve(x, x).shape) == (None, 3, 3)
    model = keras.Model(x, ops.inv(x))
    np.testing.assert_allclose(model.predict(2 * np.eye(3)[None], verbose=0)[0], np.eye(3) / 2)
