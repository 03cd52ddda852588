"""The LSTM's units-major path: the time-major input projection op, the per-timestep
weight-gradient products, and the recurrence reading units-major projections
(float64 finite-difference checks and plain NumPy references)."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.autodiff import Tensor
from minikeras.ops import rnn
from minikeras.ops.rnn_projection import summed_step_products
from minikeras.testing.gradient_check import gradient_check

B, T, E, U = 3, 5, 2, 3
MASK = np.array([[1, 1, 0, 1, 1], [0, 1, 1, 0, 1], [1, 1, 1, 1, 0]], dtype=bool)


def _r(*shape, scale=1.0, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape) * scale


def test_time_major_dense_values_layout_and_errors():
    x, k, b = _r(B, T, E), _r(E, 4 * U), _r(4 * U)
    out = rnn.time_major_dense(x, k, b)
    assert out.shape == (T, B, 4 * U)
    # Stored gate-major over the sequence: (units, timesteps, batch) memory.
    assert out.transpose(2, 0, 1).flags.c_contiguous
    np.testing.assert_allclose(out, np.einsum("bte,eu->tbu", x, k) + b, rtol=1e-12)
    x32, k32 = x.astype(np.float32), k.astype(np.float32)
    np.testing.assert_allclose(
        rnn.time_major_dense(x32, k32), ops.dense(ops.transpose(x32, (1, 0, 2)), k32), rtol=1e-6
    )
    with pytest.raises(ValueError, match=r"\(batch, timesteps, 2\)"):
        rnn.time_major_dense(_r(B, E), k)
    with pytest.raises(ValueError, match="kernel of shape"):
        rnn.time_major_dense(_r(B, T, E + 1), k)


@pytest.mark.parametrize("use_bias", [True, False])
def test_time_major_dense_gradient(use_bias):
    if use_bias:
        fn = rnn.time_major_dense
        inputs = [_r(B, T, E), _r(E, 4 * U), _r(4 * U)]
    else:

        def fn(x, k):
            return rnn.time_major_dense(x, k)

        inputs = [_r(B, T, E), _r(E, 4 * U)]
    gradient_check(fn, inputs, rtol=1e-6, atol=1e-8)


def test_summed_step_products_equals_the_long_product():
    a, b = _r(T, B, E), _r(T, B, 4 * U)
    expected = a.reshape(-1, E).T @ b.reshape(-1, 4 * U)
    np.testing.assert_allclose(summed_step_products(a, b), expected, rtol=1e-12)
    # Units-major `b`, as the LSTM's gradients are laid out.
    bu = np.ascontiguousarray(b.transpose(0, 2, 1)).transpose(0, 2, 1)
    np.testing.assert_allclose(summed_step_products(a, bu), expected, rtol=1e-12)


def test_op_reads_units_major_and_contiguous_projections_alike():
    xw, h0, c0, kernel = _r(T, B, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)
    xw_units = np.ascontiguousarray(xw.transpose(0, 2, 1)).transpose(0, 2, 1)
    a = rnn.lstm_sequence_time_major(xw, h0, c0, kernel, MASK)
    b = rnn.lstm_sequence_time_major(xw_units, h0, c0, kernel, MASK)
    np.testing.assert_array_equal(a, b)
    # The last step's output state by hand (float64 textbook step from the states).
    h, c = a[0, -2], a[1, -2]
    z = xw[-1] + h @ kernel
    i, f, o = (1.0 / (1.0 + np.exp(-z[:, j * U : (j + 1) * U])) for j in (0, 1, 3))
    c_new = f * c + i * np.tanh(z[:, 2 * U : 3 * U])
    keep = MASK[:, -1:]
    np.testing.assert_allclose(a[1, -1], np.where(keep, c_new, c), rtol=1e-12)
    np.testing.assert_allclose(a[0, -1], np.where(keep, o * np.tanh(c_new), h), rtol=1e-12)


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("acts", [("tanh", "sigmoid"), ("relu", "hard_sigmoid")])
def test_projection_and_recurrence_chain_gradient(go_backwards, acts):
    """The layer's fused chain: units-major projections into the recurrence, its
    units-major gradients back into the projection's VJP; masked, recurrent dropout."""
    rm = _r(B, U) + 1.5
    mask = MASK[:, ::-1] if go_backwards else MASK

    def fn(x, k, b, h, c, u):
        xw = rnn.time_major_dense(x, k, b)
        if go_backwards:
            xw = rnn.basic_slice(xw, (slice(None, None, -1),))
        hc = rnn.lstm_sequence_time_major(xw, h, c, u, mask, rm, *acts)
        return rnn.basic_slice(hc, (0, -1))  # the last output state only, as the layer

    inputs = [
        _r(B, T, E),
        _r(E, 4 * U, scale=0.7),
        _r(4 * U),
        _r(B, U),
        _r(B, U),
        _r(U, 4 * U, scale=0.5),
    ]
    gradient_check(fn, inputs, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("layout", ["gate_major", "gate_major_reversed", "batch_major"])
def test_time_major_dense_gradients_from_every_layout(layout):
    """The whole-sequence products (gate-major upstream gradients, in time order or
    reversed as `go_backwards` gives them) and the per-step ones agree with the
    textbook formulas."""
    x, k, b = _r(B, T, E), _r(E, 4 * U), _r(4 * U)
    g = _r(T, B, 4 * U, seed=3)
    if layout == "gate_major":
        g_in = np.ascontiguousarray(g.transpose(2, 0, 1)).transpose(1, 2, 0)
    elif layout == "gate_major_reversed":
        g_in = np.ascontiguousarray(g[::-1].transpose(2, 0, 1)).transpose(1, 2, 0)[::-1]
    else:
        g_in = np.ascontiguousarray(g)
    np.testing.assert_array_equal(g_in, g)
    out = rnn.time_major_dense(Tensor(x), Tensor(k), Tensor(b))
    dx, dk, db = (vjp(g_in) for vjp in out.vjps)  # the op's own VJPs, layout kept
    np.testing.assert_allclose(dx, np.einsum("tbu,eu->bte", g, k), rtol=1e-10)
    np.testing.assert_allclose(dk, np.einsum("bte,tbu->eu", x, g), rtol=1e-10)
    np.testing.assert_allclose(db, g.sum(axis=(0, 1)), rtol=1e-10)
