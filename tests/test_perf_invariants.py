"""Invariants the speed work must keep: float32 throughout, unchanged numbers, lazy imports."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable
from minikeras.layers import Activation, Dense, Input
from minikeras.models import Sequential
from minikeras.optimizers import SGD, Adam
from tests.conftest import subprocess_env


@pytest.mark.parametrize(
    "optimizer",
    [
        lambda: SGD(learning_rate=0.1, momentum=0.9),
        lambda: Adam(learning_rate=0.01),
        lambda: Adam(learning_rate=0.01, amsgrad=True),
    ],
)
@pytest.mark.parametrize("x_dtype", [np.int64, np.float64, np.float32])
def test_trained_weights_and_slots_stay_float32(optimizer, x_dtype):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=x_dtype)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    model = Sequential([Input((2,)), Dense(8, activation="relu"), Dense(1), Activation("sigmoid")])
    model.compile(optimizer=optimizer(), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=2, verbose=0)
    for w in model.weights:
        assert w.value.dtype == np.float32, w.path
    for v in model.optimizer.variables[2:]:
        assert v.value.dtype == np.float32, v.path
    assert model.predict(x, verbose=0).dtype == np.float32


def _adam_textbook(w, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    """Keras 3's Adam written out op by op in float32 (the straightforward NumPy code)."""
    w = w.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    f = np.float32
    for step, g in enumerate(grads, start=1):
        b1p = np.power(f(b1), f(step))
        b2p = np.power(f(b2), f(step))
        alpha = np.asarray(lr, f) * np.sqrt(1 - b2p) / (1 - b1p)
        m += (g - m) * f(1 - b1)
        v += (np.square(g) - v) * f(1 - b2)
        w -= (m * alpha) / (np.sqrt(v) + f(eps))
    return w, m, v


def test_in_place_adam_is_bitwise_the_textbook_update():
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal((7, 5)).astype(np.float32)
    b0 = rng.standard_normal(5).astype(np.float32)
    grads = [
        (rng.standard_normal((7, 5)).astype(np.float32), rng.standard_normal(5).astype(np.float32))
        for _ in range(4)
    ]
    kernel, bias = Variable(w0.copy(), name="k"), Variable(b0.copy(), name="b")
    opt = Adam(learning_rate=0.01)
    for gk, gb in grads:
        opt.apply([gk.copy(), gb.copy()], [kernel, bias])
    for var, start, gs in ((kernel, w0, [g[0] for g in grads]), (bias, b0, [g[1] for g in grads])):
        expected_w, expected_m, expected_v = _adam_textbook(start, gs)
        np.testing.assert_array_equal(var.value, expected_w)
    np.testing.assert_array_equal(
        opt._momentums[0].value, _adam_textbook(w0, [g[0] for g in grads])[1]
    )
    np.testing.assert_array_equal(
        opt._velocities[1].value, _adam_textbook(b0, [g[1] for g in grads])[2]
    )


def test_adam_never_writes_into_shared_gradients():
    # add's VJP hands the same array to both operands: the update must not modify it.
    a = Variable(np.ones(3, np.float32), name="a")
    b = Variable(np.ones(3, np.float32), name="b")
    with GradientTape() as tape:
        loss = ops.sum(ops.add(a, b))
    ga, gb = tape.gradient(loss, [a, b])
    snapshot = np.array(ga)
    Adam(learning_rate=0.1).apply([ga, gb], [a, b])
    np.testing.assert_array_equal(ga, snapshot)
    np.testing.assert_array_equal(a.value, b.value)


def test_backward_accumulates_every_consumer_of_a_node():
    # y = x*x + 3x + sin(x), with x read by four consumers: dy/dx = 2x + 3 + cos(x).
    x = Variable(np.array([0.5, -1.25, 2.0], np.float32), name="x")
    with GradientTape(persistent=True) as tape:
        y = ops.sum(ops.add(ops.add(ops.multiply(x, x), ops.multiply(x, 3.0)), ops.sin(x)))
    (g,) = tape.gradient(y, [x])
    xv = x.value.astype(np.float64)
    np.testing.assert_allclose(g, 2 * xv + 3 + np.cos(xv), rtol=1e-6)
    # The tape can be differentiated again (persistent use) with the same result.
    np.testing.assert_array_equal(tape.gradient(y, [x])[0], g)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "shape,axis,keepdims",
    [
        ((4, 1), -1, False),
        ((128, 10), None, False),
        ((3, 5, 6), (0, 2), True),
        ((3, 5, 6), 1, False),
        ((9,), 0, True),
        ((2, 3), None, True),
    ],
)
def test_ops_mean_is_bitwise_numpy_mean(dtype, shape, axis, keepdims):
    x = (np.random.default_rng(0).standard_normal(shape) * 1e3).astype(dtype)
    expected = np.asarray(np.mean(x, axis=axis, keepdims=keepdims))
    got = ops.mean(x, axis=axis, keepdims=keepdims)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_import_does_not_load_h5py():
    code = "import sys, minikeras; print('h5py' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_single_batch_predict_fast_path_matches_the_batched_path():
    from minikeras.callbacks import Callback
    from minikeras.models import Model

    x = np.random.default_rng(5).random((5, 2))  # float64: autocast to float32
    model = Sequential([Input((2,)), Dense(4, activation="tanh"), Dense(3, activation="softmax")])
    fast = model.predict(x, verbose=0)
    slow = model.predict(x, verbose=0, callbacks=[Callback()])
    assert fast.dtype == np.float32 and fast.shape == (5, 3)
    np.testing.assert_array_equal(fast, slow)
    inp = Input((2,))
    two = Model(inp, [Dense(1)(inp), Dense(2)(inp)])
    out_fast = two.predict(x, verbose=0)
    out_slow = two.predict(x, verbose=0, callbacks=[Callback()])
    assert isinstance(out_fast, list) and len(out_fast) == 2
    for a, b in zip(out_fast, out_slow):
        np.testing.assert_array_equal(a, b)
