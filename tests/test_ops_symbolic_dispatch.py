"""`keras.ops` called on KerasTensors adds functional-graph nodes (Keras 3 behaviour)."""

from __future__ import annotations

import numpy as np

import minikeras as keras
from minikeras import backend as K
from minikeras import ops


def test_ops_on_inputs_build_a_model_with_correct_values():
    x = keras.Input(shape=(3,))
    total = ops.sum(x, axis=-1)
    length = ops.norm(x, axis=-1, keepdims=True)
    both = ops.concatenate([x, ops.square(x)], axis=-1)
    values, indices = ops.top_k(x, 2)
    assert total.shape == (None,) and length.shape == (None, 1) and both.shape == (None, 6)
    assert values.shape == (None, 2)
    model = keras.Model(x, [total, length, both, values])
    out = model.predict(np.array([[3.0, 4.0, 0.0]]), verbose=0)
    np.testing.assert_allclose(out[0], [7.0])
    np.testing.assert_allclose(out[1], [[5.0]])
    np.testing.assert_allclose(out[2], [[3, 4, 0, 9, 16, 0]])
    np.testing.assert_allclose(out[3], [[4.0, 3.0]])
    assert ops.shape(x) == (None, 3) and ops.ndim(x) == 2


def test_model_with_op_nodes_trains():
    inp = keras.Input(shape=(4,))
    h = keras.layers.Dense(8)(inp)
    h = ops.log_sigmoid(h) if hasattr(ops, "log_sigmoid") else ops.tanh(h)
    pooled = ops.logsumexp(ops.expand_dims(h, -1), axis=-1)
    out = keras.layers.Dense(1)(ops.erf(pooled))
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = np.tanh(x[:, :1] - x[:, 1:2])
    hist = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    names = [type(op).__name__ for op in getattr(model, "operations", model.layers)]
    assert "Logsumexp" in names and "Erf" in names


def test_keras2_backend_functions_work_on_symbolic_tensors_too():
    x = keras.Input(shape=(2, 3))
    y = K.mean(x, axis=1)
    model = keras.Model(x, y)
    data = np.arange(6.0, dtype="float32").reshape(1, 2, 3)
    np.testing.assert_allclose(model.predict(data, verbose=0), data.mean(axis=1))


def test_concrete_calls_are_unchanged():
    a = np.array([[1.0, 2.0]], dtype="float32")
    assert isinstance(ops.sum(a), np.ndarray | np.floating)
    assert ops.sum.__wrapped_op__ is not ops.sum
    assert ops.norm.__module__ == "minikeras.ops.linalg"
    assert ops.tan.__module__ == "minikeras.ops.numpy"  # saved op nodes name Keras' module


def test_keras2_dot_batch_dot_batch_flatten_on_symbolic_inputs():
    a = keras.Input(shape=(4, 3))
    b = keras.Input(shape=(3,))
    y = K.batch_dot(a, b, axes=(2, 1))
    z = K.batch_flatten(a)
    d = K.dot(a, np.ones((3, 2), "float32"))
    assert (y.shape, z.shape, d.shape) == ((None, 4), (None, 12), (None, 4, 2))
    model = keras.Model([a, b], [y, z, d])
    xa = np.arange(24.0, dtype="float32").reshape(2, 4, 3)
    xb = np.ones((2, 3), "float32")
    out = model.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(out[0], xa.sum(axis=-1))
    np.testing.assert_allclose(out[1], xa.reshape(2, 12))
    np.testing.assert_allclose(out[2], xa @ np.ones((3, 2)))
