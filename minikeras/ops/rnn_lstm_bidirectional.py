"""Both directions of a bidirectional LSTM in one fused op.

`lstm_bidirectional_time_major` runs the forward and the backward recurrence side by
side in one loop (`rnn_lstm.lstm_directions` with a leading direction axis): each
per-step NumPy call covers both directions, so a step makes about half the calls of
two separate `lstm_sequence_time_major` ops. The formulas are the ones that op runs,
on the same shapes per direction, so the results are the same bit for bit.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import cached_backward, record, unwrap
from minikeras.ops.rnn_lstm import _mask_steps, _units_major, lstm_directions


def lstm_bidirectional_time_major(
    xws,
    h0s,
    c0s,
    recurrent_kernels,
    masks=None,
    recurrent_masks=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Two LSTM recurrences over time-major sequences, run in one loop.

    Args:
        xws: `(xw_forward, xw_backward)`, each `(timesteps, batch, 4 * units)` input
            projections in the order that direction reads them (the backward one is
            typically a time-reversed view).
        h0s, c0s: pairs of `(batch, units)` initial output and carry states.
        recurrent_kernels: pair of `(units, 4 * units)` kernels.
        masks: None or a pair of `(batch, timesteps)` booleans, in each direction's
            reading order.
        recurrent_masks: None or a pair of `(batch, units)` recurrent dropout masks.
        activation, recurrent_activation: names of fused activations (both directions).

    Returns:
        `(2, timesteps, 2, batch, units)`: `[0]` the output states `h_t`, `[1]` the
        carry states `c_t`; the third axis is the direction (forward, backward), each
        in its own reading order.

    Raises:
        ValueError: if the two directions' shapes or dtypes differ.
    """
    pairs = [[unwrap(v) for v in pair] for pair in (xws, h0s, c0s, recurrent_kernels)]
    (xf, xb), (hf, hb), (cf, cb), (uf, ub) = ([p[0] for p in pair] for pair in pairs)
    nodes = [p[1] for pair in pairs for p in pair]
    for name, (a, b) in zip(
        ("xw", "h0", "c0", "recurrent_kernel"), ((xf, xb), (hf, hb), (cf, cb), (uf, ub))
    ):
        if np.shape(a) != np.shape(b):
            raise ValueError(
                f"Both directions need the same `{name}` shape; received {np.shape(a)} "
                f"(forward) and {np.shape(b)} (backward)."
            )
    if uf.dtype != ub.dtype:
        raise ValueError(f"Both recurrent kernels need one dtype; received {uf.dtype}, {ub.dtype}.")
    uv = np.stack([uf, ub])
    dtype = uv.dtype
    m = (
        None
        if masks is None
        else _mask_steps(np.stack([np.asarray(k) for k in masks]), dtype, (2,))
    )
    rm = None if recurrent_masks is None else np.stack([np.asarray(r) for r in recurrent_masks])
    out, compute = lstm_directions(
        [_units_major(xf, dtype), _units_major(xb, dtype)],
        np.stack([hf, hb]),
        np.stack([cf, cb]),
        uv,
        m,
        rm,
        activation,
        recurrent_activation,
    )
    if all(n is None for n in nodes):
        return out
    get = cached_backward(compute)
    xfn, xbn, hfn, hbn, cfn, cbn, ufn, ubn = nodes
    return record(
        out,
        (xfn, lambda g: get(g)[0][0]),
        (xbn, lambda g: get(g)[0][1]),
        (hfn, lambda g: get(g)[1][0]),
        (hbn, lambda g: get(g)[1][1]),
        (cfn, lambda g: get(g)[2][0]),
        (cbn, lambda g: get(g)[2][1]),
        (ufn, lambda g: get(g)[3][0]),
        (ubn, lambda g: get(g)[3][1]),
    )
