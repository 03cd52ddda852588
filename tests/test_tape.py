"""The tape beyond single ops: reuse, watching, stop_gradient, nesting, custom loops."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras
from minikeras import layers, ops
from minikeras.backend import GradientTape, Variable
from minikeras.testing.gradient_check import gradient_check


def test_gradient_tape_exposed_where_tf_users_look():
    assert minikeras.backend.GradientTape is GradientTape
    assert minikeras.GradientTape is GradientTape


def test_tensor_used_twice_accumulates():
    x = Variable(np.array([1.5, -2.0]))
    with GradientTape() as tape:
        y = ops.multiply(x, 3.0)
        z = ops.add(ops.multiply(y, y), y)  # 9x^2 + 3x
    np.testing.assert_allclose(tape.gradient(ops.sum(z), x), 18 * x.numpy() + 3, rtol=1e-6)


def test_diamond_graph_matches_finite_differences():
    def fn(a, b):
        h = ops.tanh(ops.matmul(a, b))
        return ops.add(ops.multiply(h, ops.sigmoid(h)), ops.sum(h, axis=0))

    r = np.random.default_rng(0)
    gradient_check(fn, [r.normal(size=(3, 2)), r.normal(size=(2, 4))])


def test_same_variable_in_many_ops_and_operators():
    w = Variable(np.array([[0.5, -1.0], [2.0, 0.25]]))
    with GradientTape() as tape:
        loss = ops.sum((w * w) @ w + w.T - abs(w) / 2 + w**2)
    g = tape.gradient(loss, w)
    wv = w.numpy().astype(np.float64)

    def f(m):
        return np.sum((m * m) @ m + m.T - np.abs(m) / 2 + m**2)

    num = np.zeros_like(wv)
    for i in np.ndindex(wv.shape):
        d = np.zeros_like(wv)
        d[i] = 1e-4
        num[i] = (f(wv + d) - f(wv - d)) / 2e-4
    np.testing.assert_allclose(g, num, rtol=1e-3)


def test_non_trainable_variable_needs_watch():
    v = Variable(np.array([1.0, 2.0]), trainable=False)
    with GradientTape() as tape:
        y = ops.sum(ops.square(v))
    assert tape.gradient(y, v) is None
    with GradientTape() as tape:
        tape.watch(v)
        y = ops.sum(ops.square(v))
    np.testing.assert_allclose(tape.gradient(y, v), [2.0, 4.0])


def test_watch_numpy_array_like_tf_constant():
    x = np.array([3.0, -1.0], dtype="float32")
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.multiply(x, x))
    g = tape.gradient(y, x)
    np.testing.assert_allclose(g, [6.0, -2.0])
    assert g.dtype == np.float32
    # Once the tape is closed the array is a plain constant again.
    assert type(ops.multiply(x, 2.0)) is np.ndarray


def test_watch_rejects_python_numbers():
    with GradientTape() as tape, pytest.raises(ValueError, match="Variable or a NumPy array"):
        tape.watch(3.0)


def test_watch_accessed_variables_false():
    a = Variable(np.array(2.0))
    b = Variable(np.array(3.0))
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = ops.multiply(a, b)
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 3.0
    assert gb is None
    assert tape.watched_variables() == [a]


def test_stop_gradient_blocks_the_path():
    x = Variable(np.array([2.0, 3.0]))
    with GradientTape() as tape:
        y = ops.sum(ops.multiply(x, ops.stop_gradient(x)))  # d/dx = stop(x) = x, not 2x
    np.testing.assert_allclose(tape.gradient(y, x), [2.0, 3.0])
    with GradientTape() as tape:
        y = ops.sum(minikeras.backend.stop_gradient(ops.square(x)))
    assert tape.gradient(y, x) is None


def test_unconnected_and_zero():
    a, b = Variable(np.ones(2)), Variable(np.ones(3))
    with GradientTape(persistent=True) as tape:
        y = ops.sum(ops.square(a))
    assert tape.gradient(y, [a, b])[1] is None
    np.testing.assert_array_equal(
        tape.gradient(y, [a, b], unconnected_gradients="zero")[1], np.zeros(3)
    )


def test_non_persistent_tape_is_single_use_and_persistent_is_not():
    x = Variable(np.array(2.0))
    with GradientTape() as tape:
        y = ops.square(x)
    assert float(tape.gradient(y, x)) == 4.0
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)
    with GradientTape(persistent=True) as tape:
        y = ops.square(x)
        z = ops.multiply(y, x)
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 12.0


def test_nested_tapes_both_record():
    x = Variable(np.array(3.0))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = ops.multiply(x, x)
        z = ops.multiply(y, 2.0)
    assert float(inner.gradient(y, x)) == 6.0
    assert float(outer.gradient(z, x)) == 12.0


def test_structures_output_gradients_and_list_targets():
    a, b = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0]))
    with GradientTape(persistent=True) as tape:
        y = ops.multiply(a, b)  # [3, 6]
        s = ops.sum(a)
    g = tape.gradient(y, {"a": a, "b": b}, output_gradients=np.array([1.0, 10.0]))
    np.testing.assert_allclose(g["a"], [3.0, 30.0])
    np.testing.assert_allclose(g["b"], [21.0])
    ga, gb = tape.gradient([y, s], (a, b))  # tuple in, tuple out
    np.testing.assert_allclose(ga, [4.0, 4.0])
    np.testing.assert_allclose(gb, [3.0])


def test_gradient_through_a_model_wrt_its_input():
    model = minikeras.Sequential(
        [layers.Dense(3, activation="tanh", input_shape=(2,)), layers.Dense(1)]
    )
    x = np.array([[0.1, -0.4]], dtype="float32")
    with GradientTape() as tape:
        tape.watch(x)
        y = model(x)
    g = tape.gradient(y, x)
    eps = 1e-2
    num = [
        (model.predict(x + eps * e, verbose=0) - model.predict(x - eps * e, verbose=0))[0, 0]
        / (2 * eps)
        for e in np.eye(2, dtype="float32")
    ]
    np.testing.assert_allclose(g[0], num, rtol=1e-2, atol=1e-4)


def test_custom_training_loop_like_tf_tutorials():
    """The tf.GradientTape loop from the guides trains a minikeras model."""
    minikeras.utils.set_random_seed(0)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.array([[0], [1], [1], [0]], dtype="float32")
    model = minikeras.Sequential(
        [
            layers.Dense(8, activation="tanh", input_shape=(2,)),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    loss_fn = minikeras.losses.BinaryCrossentropy()
    optimizer = minikeras.optimizers.Adam(learning_rate=0.05)
    first = None
    for _ in range(300):
        with GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_weights)
        assert all(g is not None and g.dtype == np.float32 for g in grads)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        first = float(loss) if first is None else first
    assert float(loss) < 0.05 < first
    np.testing.assert_array_equal((model.predict(x, verbose=0) > 0.5).astype(int), y)


def test_frozen_layer_gets_no_gradient_in_custom_loop():
    model = minikeras.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    model.layers[0].trainable = False
    x = np.ones((4, 2), dtype="float32")
    with GradientTape() as tape:
        loss = ops.mean(ops.square(model(x)))
    kernel0 = model.layers[0].kernel
    assert kernel0 not in model.trainable_weights
    g_frozen, g_last = tape.gradient(loss, [kernel0, model.layers[1].kernel])
    assert g_frozen is None and g_last is not None


def test_stop_recording_and_reset():
    x = Variable(np.array(2.0))
    with GradientTape(persistent=True) as tape:
        y = ops.square(x)
        with tape.stop_recording():
            z = ops.multiply(x, 10.0)
        assert not isinstance(z, minikeras.backend.Tensor)  # not recorded
        w = ops.add(y, z)
    assert float(tape.gradient(w, x)) == 4.0
    with GradientTape() as tape:
        ops.square(x)
        tape.reset()
        y = ops.multiply(x, 3.0)
    assert float(tape.gradient(y, x)) == 3.0


def test_jacobian_matches_finite_differences():
    w = Variable(np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]))
    x = np.array([0.3, -0.7])
    with GradientTape() as tape:
        y = ops.tanh(ops.matmul(x, w))  # shape (3,)
    jac = tape.jacobian(y, w)
    assert jac.shape == (3, 2, 3)
    wv = w.numpy().astype(np.float64)
    num = np.zeros((3, 2, 3))
    for i in np.ndindex(2, 3):
        d = np.zeros_like(wv)
        d[i] = 1e-6
        num[(slice(None), *i)] = (np.tanh(x @ (wv + d)) - np.tanh(x @ (wv - d))) / 2e-6
    np.testing.assert_allclose(jac, num, rtol=1e-6, atol=1e-9)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, w)
