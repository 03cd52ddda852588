"""The input projection of a time-major recurrence, with per-timestep weight gradients.

`time_major_dense(x, kernel, bias)` is `transpose(x, (1, 0, 2)) @ kernel + bias`
recorded as one node, stored units-major: the `(timesteps, batch, units)` result
is a view of `(timesteps, units, batch)` memory, the layout the fused LSTM works
in (`minikeras.ops.rnn_lstm`), so the recurrence reads it without a copy.

Its kernel gradient is one `(features, batch) @ (batch, units)` product per
timestep, summed, rather than one `(features, timesteps * batch)` product: for
the common sizes each per-step product stays under OpenBLAS's multithreading
threshold (m * n * k <= 4 * 65536), and the long product would wake the BLAS
worker threads, which spin after each call and, on a machine with few cores
and other load, cost more than they save (see `benchmarks/run.py lstm`).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap
from minikeras.backend.blas_threads import prepare_product


def summed_step_products(a, b):
    """`sum_t a[t].T @ b[t]` for `(timesteps, batch, m)` and `(timesteps, batch, n)`:
    `(m, n)`, one small matmul per timestep (see the module docstring).

    Computed as `(sum_t b[t].T @ a[t]).T`: with `b` units-major (as the fused
    LSTM's gradients are), every per-step product reads row-major operands."""
    prepare_product(b.shape[2], b.shape[1], a.shape[2])
    return np.add.reduce(np.matmul(b.transpose(0, 2, 1), a), axis=0).T


def time_major_dense(x, kernel, bias=None):
    """Time-major input projections of a batch-major sequence.

    Args:
        x: `(batch, timesteps, features)` inputs.
        kernel: `(features, units)`.
        bias: optional `(units,)`.

    Returns:
        `(timesteps, batch, units)`: `x[:, t] @ kernel + bias` at each step `t`
        (a view of units-major memory).

    Raises:
        ValueError: if `x` is not of rank 3 or its last axis does not match `kernel`.
    """
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    bv, bn = unwrap(bias) if bias is not None else (None, None)
    xv = np.asarray(xv)
    if xv.ndim != 3 or xv.shape[-1] != kv.shape[0]:
        raise ValueError(f"Expected inputs of shape (batch, timesteps, {kv.shape[0]}) for a "
                         f"kernel of shape {kv.shape}, got {xv.shape}.")
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    xt = xv.transpose(1, 0, 2)
    kt = np.ascontiguousarray(kv.T)  # row-major operands make the faster products
    prepare_product(kt.shape[0], kt.shape[1], xv.shape[0])
    out = np.matmul(kt, xv.transpose(1, 2, 0))  # (timesteps, units, batch)
    if bv is not None:
        out += np.asarray(bv)[:, None]

    def vjp_x(g):
        # Written batch-major through a time-major view: the gradient of `x` comes
        # out C-contiguous in `x`'s own layout.
        dx = np.empty(xv.shape, dtype=np.result_type(g, kv))
        prepare_product(xv.shape[0], kt.shape[0], kt.shape[1])
        np.matmul(g, kt, out=dx.transpose(1, 0, 2))
        return dx

    def vjp_k(g):
        return summed_step_products(xt, g)

    def vjp_b(g):
        # Over the timesteps first: whole contiguous `(units, batch)` blocks when the
        # gradients are units-major.
        return np.add.reduce(np.add.reduce(g, axis=0), axis=0)

    return record(out.transpose(0, 2, 1), (xn, vjp_x), (kn, vjp_k), (bn, vjp_b))
