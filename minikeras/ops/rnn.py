"""Fused recurrences: SimpleRNN, LSTM and GRU over a whole sequence, one VJP each.

Each op takes the input projections `xw = x @ kernel + bias` for all
timesteps (computed beforehand by the fused `dense` op, whose VJP yields the
kernel, bias and input gradients) and runs the recurrence in NumPy. It records
ONE tape node whose hand-written VJP is back-propagation through time over
the whole sequence; the recurrent-kernel gradient is one large matmul over all
timesteps rather than one per step.

Conventions shared by all three ops:
    * `xw`: `(batch, timesteps, gates * units)`, timesteps already in
      processing order (the caller flips them for `go_backwards`).
    * `mask`: optional `(batch, timesteps)` booleans; at a masked step the
      states are carried over unchanged (Keras semantics).
    * `recurrent_mask`: optional `(batch, units)` constant multiplied onto the
      previous output before the recurrent matmul (recurrent dropout).
    * Activations are given by Keras name; the fused path knows `tanh`,
      `sigmoid`, `hard_sigmoid`, `relu` and `linear` (see `FUSED_ACTIVATIONS`).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import cached_backward, record
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops.rnn_common import (
    FUSED_ACTIVATIONS,
    _act,
    _batch_major,
    _carry_inplace,
    _masked_step_grad,
    _prepare,
    _state_buffers,
)

# ----------------------------------------------------------------------------- SimpleRNN


def simple_rnn_sequence(
    xw, h0, recurrent_kernel, mask=None, recurrent_mask=None, activation="tanh"
):
    """All outputs `h_t = activation(xw_t + h_{t-1} @ recurrent_kernel)` of a SimpleRNN.

    Returns:
        `(batch, timesteps, units)` outputs (also the states, step by step).
    """
    xt, xn, (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask, recurrent_mask)
    f, df = _act(activation)
    t_len, b, u = xt.shape
    hs, hp = _state_buffers(hv, t_len, b, u, rm)
    act = np.empty((t_len, b, u), dtype=xt.dtype)
    prepare_product(b, u, u)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            if rm is not None:
                np.multiply(hs[t], rm, out=hp[t])
            a = act[t]
            np.matmul(hp[t], uv, out=a)
            a += xt[t]
            f(a, out=a)
            hs[t + 1] = a
            if m is not None:
                _carry_inplace(hs[t + 1], hs[t], m[t])
    out = np.ascontiguousarray(_batch_major(hs[1:]))
    if xn is None and hn is None and un is None:
        return out

    def compute(g):
        gt = g.transpose(1, 0, 2)
        da_all = df(act)
        ut = np.ascontiguousarray(uv.T)
        dnext = np.zeros((b, u), dtype=xt.dtype)
        prepare_product(b, u, u)
        for t in range(t_len - 1, -1, -1):
            dh = gt[t] + dnext
            dold = _masked_step_grad(dh, m, t)
            da = da_all[t]
            da *= dh
            dprev = da @ ut
            if rm is not None:
                dprev *= rm
            if dold is not None:
                dprev += dold
            dnext = dprev
        prepare_product(u, t_len * b, u)
        du = hp.reshape(-1, u).T @ da_all.reshape(-1, u)
        return _batch_major(da_all), dnext, du

    get = cached_backward(compute)
    return record(
        out, (xn, lambda g: get(g)[0]), (hn, lambda g: get(g)[1]), (un, lambda g: get(g)[2])
    )


# Re-exported so that `minikeras.ops.rnn` is the one import for recurrent layers.
from minikeras.ops.rnn_gru import gru_sequence  # noqa: E402
from minikeras.ops.rnn_lstm import lstm_sequence, lstm_sequence_time_major  # noqa: E402
from minikeras.ops.rnn_projection import time_major_dense  # noqa: E402
from minikeras.ops.sequence_utils import basic_slice, embedding_lookup  # noqa: E402

__all__ = [
    "FUSED_ACTIVATIONS",
    "basic_slice",
    "embedding_lookup",
    "gru_sequence",
    "lstm_sequence",
    "lstm_sequence_time_major",
    "simple_rnn_sequence",
    "time_major_dense",
]
