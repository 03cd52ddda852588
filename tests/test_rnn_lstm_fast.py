"""The fast LSTM kernel: its exp-based gate activation against a plain float64
reference, and float64 gradient checks of the time-major op the layer calls."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras.ops import rnn
from minikeras.testing.gradient_check import gradient_check

B, T, U = 2, 4, 3
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], dtype=bool)


def _r(*shape, scale=1.0, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape) * scale


def _reference(xw, h, c, kernel, mask):
    """Textbook LSTM step loop in float64 (np.tanh, 1 / (1 + exp(-z)))."""
    xw, h, c, kernel = (np.asarray(a, np.float64) for a in (xw, h, c, kernel))
    u = h.shape[-1]
    out = []
    for t in range(xw.shape[1]):
        z = xw[:, t] + h @ kernel
        with np.errstate(over="ignore"):
            i, f, o = (1.0 / (1.0 + np.exp(-z[:, k * u : (k + 1) * u])) for k in (0, 1, 3))
        c_new = f * c + i * np.tanh(z[:, 2 * u : 3 * u])
        h_new = o * np.tanh(c_new)
        keep = mask[:, t : t + 1]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        out.append(np.concatenate([h, c], axis=-1))
    return np.stack(out, axis=1)


@pytest.mark.parametrize("scale", [1.0, 60.0])
def test_float32_gates_match_float64_reference_including_saturation(scale):
    # scale 60: many gates saturate, exp(-z) overflows to inf (exact 0 / 1 / -1 limits)
    xw = _r(B, T, 4 * U, scale=scale).astype(np.float32)
    h0, c0 = _r(B, U).astype(np.float32), _r(B, U, seed=1).astype(np.float32)
    kernel = _r(U, 4 * U, scale=0.5).astype(np.float32)
    out = rnn.lstm_sequence(xw, h0, c0, kernel, MASK)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, _reference(xw, h0, c0, kernel, MASK), rtol=0, atol=2e-6)


@pytest.mark.parametrize("acts", [("tanh", "sigmoid"), ("relu", "hard_sigmoid")])
def test_time_major_op_gradient_with_mask_and_recurrent_dropout(acts):
    rm = _r(B, U) + 1.5
    gradient_check(
        lambda x, h, c, u: rnn.lstm_sequence_time_major(x, h, c, u, MASK, rm, *acts),
        [_r(T, B, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )


def test_time_major_op_is_the_transposed_batch_major_op():
    xw, h0, c0, kernel = _r(B, T, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)
    hc = rnn.lstm_sequence_time_major(xw.transpose(1, 0, 2), h0, c0, kernel, MASK)
    out = rnn.lstm_sequence(xw, h0, c0, kernel, MASK)
    assert hc.shape == (2, T, B, U)
    np.testing.assert_array_equal(hc[0].transpose(1, 0, 2), out[..., :U])
    np.testing.assert_array_equal(hc[1].transpose(1, 0, 2), out[..., U:])


@pytest.mark.parametrize("key", [(0, -1), (1, 1)])
def test_time_major_op_gradient_from_one_step_only(key):
    """Upstream gradient zero at all other steps (the layer's usual last-state case):
    the backward skips those steps' adds."""
    gradient_check(
        lambda x, h, c, u: rnn.basic_slice(rnn.lstm_sequence_time_major(x, h, c, u, MASK), key),
        [_r(T, B, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )
