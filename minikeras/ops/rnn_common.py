"""Helpers shared by the fused recurrences (`ops/rnn.py`, `ops/rnn_gru.py`,
`ops/rnn_lstm.py`): the activation table, input preparation, state buffers and masks.

Kept apart from `ops/rnn.py`, which re-exports the recurrences, so that each
recurrence module can be imported on its own.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import unwrap
from minikeras.ops import kernels

# The fused recurrences run the activations' in-place forms from the one table.
FUSED_ACTIVATIONS = {
    name: (a.into, a.derivative) for name, a in kernels.ACTIVATIONS.items() if a.into is not None
}


def _act(name):
    try:
        return FUSED_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Activation {name!r} has no fused recurrent kernel. Fused activations: "
            f"{sorted(FUSED_ACTIVATIONS)}."
        ) from None


def _prepare(xw, h0, recurrent_kernel, mask, recurrent_mask, time_major=False):
    """Unwraps the inputs; returns time-major projections and masks.

    `time_major`: `xw` is already `(timesteps, batch, features)` and is used as
    it is when each step's `(batch, features)` slab is contiguous; otherwise it
    is copied time-major and contiguous."""
    xv, xn = unwrap(xw)
    hv, hn = unwrap(h0)
    uv, un = unwrap(recurrent_kernel)
    dtype = uv.dtype
    xv = np.asarray(xv, dtype=dtype)
    if xv.ndim != 3:
        axes = "timesteps, batch" if time_major else "batch, timesteps"
        raise ValueError(f"Expected `xw` of rank 3 ({axes}, features), got shape {xv.shape}")
    hv = np.asarray(hv, dtype=dtype)
    if not time_major:
        xt = np.ascontiguousarray(xv.transpose(1, 0, 2))
    elif len(xv) and not xv[0].flags.c_contiguous:
        xt = np.ascontiguousarray(xv)
    else:
        xt = xv
    m = None
    if mask is not None:
        m = np.ascontiguousarray(np.asarray(mask, dtype=bool).T[:, :, None].astype(dtype))
    rm = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype)
    return xt, xn, (hv, hn), (uv, un), m, rm


def _carry_inplace(new, old, mt):
    """`new = where(mask, new, old)` in place, with a 0/1 float mask."""
    new -= old
    new *= mt
    new += old


def _state_buffers(hv, t_len, b, u, rm):
    """`(hs, hp)`: the states `hs` `(T + 1, B, U)` starting at `hv`, and the states as
    fed to the recurrent matmul (their own buffer under recurrent dropout, else `hs[:-1]`)."""
    hs = np.empty((t_len + 1, b, u), dtype=hv.dtype)
    hs[0] = hv
    hp = np.empty((t_len, b, u), dtype=hv.dtype) if rm is not None else hs[:-1]
    return hs, hp


def _masked_step_grad(dh, m, t):
    """At step `t`, keeps in `dh` (in place) the part of the state gradient that
    reaches the step, and returns the part carried past a masked step (None if no mask)."""
    if m is None:
        return None
    dold = dh * (1.0 - m[t])
    dh *= m[t]
    return dold


def _batch_major(a):
    """`(T, B, ...)` → `(B, T, ...)` (a view)."""
    return a.transpose(1, 0, *range(2, a.ndim))
