"""The input projection of a time-major recurrence, as whole-sequence products.

`time_major_dense(x, kernel, bias)` is `transpose(x, (1, 0, 2)) @ kernel + bias`
recorded as one node. Its result, `(timesteps, batch, units)`, is a view of
gate-major memory `(units, timesteps, batch)`: one `(units, features) @
(features, timesteps * batch)` product writes it, and each step's
`(units, batch)` block (rows contiguous) is what the fused LSTM reads
(`minikeras.ops.rnn_lstm`).

The gradients arrive from the fused LSTM in the same gate-major layout (or that
layout reversed in time, under `go_backwards`); the kernel and input gradients
are then one product each over the whole sequence, large enough for the thread
policy (`minikeras.backend.blas_threads`) to give them the free cores. Upstream
gradients in any other layout take one product per timestep
(`summed_step_products`).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap
from minikeras.backend.blas_threads import prepare_product


def summed_step_products(a, b):
    """`sum_t a[t].T @ b[t]` for `(timesteps, batch, m)` and `(timesteps, batch, n)`:
    `(m, n)`, one small matmul per timestep.

    Computed as `(sum_t b[t].T @ a[t]).T`: with `b` units-major, every per-step
    product reads row-major operands."""
    prepare_product(b.shape[2], b.shape[1], a.shape[2])
    return np.add.reduce(np.matmul(b.transpose(0, 2, 1), a), axis=0).T


def gate_major(g):
    """`(g_mem, reversed)` when the `(timesteps, batch, units)` array `g` is a view of
    C-contiguous `(units, timesteps, batch)` memory `g_mem`, in time order or reversed
    (`reversed` True: `g[t]` is `g_mem[:, T - 1 - t]`); else `(None, False)`."""
    gm = g.transpose(2, 0, 1)
    if gm.flags.c_contiguous:
        return gm, False
    gm = gm[:, ::-1]
    if gm.flags.c_contiguous:
        return gm, True
    return None, False


def time_major_dense(x, kernel, bias=None):
    """Time-major input projections of a batch-major sequence.

    Args:
        x: `(batch, timesteps, features)` inputs.
        kernel: `(features, units)`.
        bias: optional `(units,)`.

    Returns:
        `(timesteps, batch, units)`: `x[:, t] @ kernel + bias` at each step `t`
        (a view of gate-major `(units, timesteps, batch)` memory).

    Raises:
        ValueError: if `x` is not of rank 3 or its last axis does not match `kernel`.
    """
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    bv, bn = unwrap(bias) if bias is not None else (None, None)
    xv = np.asarray(xv)
    if xv.ndim != 3 or xv.shape[-1] != kv.shape[0]:
        raise ValueError(
            f"Expected inputs of shape (batch, timesteps, {kv.shape[0]}) for a "
            f"kernel of shape {kv.shape}, got {xv.shape}."
        )
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    b, t_len, f = xv.shape
    units = kv.shape[1]
    xt = xv.transpose(1, 0, 2)
    rows = np.ascontiguousarray(xt).reshape(t_len * b, f)  # (timesteps * batch, features)
    prepare_product(units, f, t_len * b)
    out = np.matmul(kv.T, rows.T)  # (units, timesteps * batch)
    if bv is not None:
        out += np.asarray(bv)[:, None]
    out = out.reshape(units, t_len, b)

    def vjp_x(g):
        gm, rev = gate_major(g)
        dx = np.empty(xv.shape, dtype=np.result_type(g, kv))
        if gm is None:
            kt = np.ascontiguousarray(kv.T)
            prepare_product(b, units, f)
            np.matmul(g, kt, out=dx.transpose(1, 0, 2))
            return dx
        prepare_product(t_len * b, units, f)
        d = np.matmul(gm.reshape(units, t_len * b).T, kv.T).reshape(t_len, b, f)
        dx.transpose(1, 0, 2)[...] = d[::-1] if rev else d
        return dx

    def vjp_k(g):
        gm, rev = gate_major(g)
        if gm is None:
            return summed_step_products(xt, g)
        r = np.ascontiguousarray(xt[::-1]).reshape(t_len * b, f) if rev else rows
        prepare_product(f, t_len * b, units)
        return np.matmul(r.T, gm.reshape(units, t_len * b).T)

    def vjp_b(g):
        gm, _ = gate_major(g)
        if gm is None:
            return np.add.reduce(np.add.reduce(g, axis=0), axis=0)
        return np.add.reduce(gm.reshape(units, t_len * b), axis=1)

    return record(out.transpose(1, 2, 0), (xn, vjp_x), (kn, vjp_k), (bn, vjp_b))
