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

from minikeras.backend.autodiff import record, unwrap
from minikeras.ops.nn import _sigmoid


def _relu(v):
    return np.maximum(v, 0)


def _hard_sigmoid(v):
    return np.clip(v / 6.0 + 0.5, 0.0, 1.0).astype(v.dtype, copy=False)


# name -> (forward, derivative expressed through the forward output y)
FUSED_ACTIVATIONS = {
    "tanh": (np.tanh, lambda y: 1.0 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),
    "hard_sigmoid": (_hard_sigmoid, lambda y: ((y > 0) & (y < 1)) / 6.0),
    "relu": (_relu, lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda v: v, lambda y: np.ones_like(y)),
}


def _act(name):
    try:
        return FUSED_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Activation {name!r} has no fused recurrent kernel. Fused activations: "
            f"{sorted(FUSED_ACTIVATIONS)}.") from None


def _prepare(xw, h0, recurrent_kernel, mask, recurrent_mask):
    xv, xn = unwrap(xw)
    hv, hn = unwrap(h0)
    uv, un = unwrap(recurrent_kernel)
    dtype = uv.dtype
    xv = np.asarray(xv, dtype=dtype)
    hv = np.asarray(hv, dtype=dtype)
    if xv.ndim != 3:
        raise ValueError(f"Expected `xw` of rank 3 (batch, timesteps, features), got shape "
                         f"{xv.shape}")
    m = None if mask is None else np.asarray(mask, dtype=bool)[:, :, None].astype(dtype)
    rm = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype)
    return (xv, xn), (hv, hn), (uv, un), m, rm


def _carry(m, t, new, old):
    """`where(mask, new, old)` for one step (mask as 0/1 floats)."""
    if m is None:
        return new
    mt = m[:, t]
    return old + mt * (new - old)


def simple_rnn_sequence(xw, h0, recurrent_kernel, mask=None, recurrent_mask=None,
                        activation="tanh"):
    """All outputs `h_t = activation(xw_t + h_{t-1} @ recurrent_kernel)` of a SimpleRNN.

    Returns:
        `(batch, timesteps, units)` outputs (also the states, step by step).
    """
    (xv, xn), (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                   recurrent_mask)
    f, df = _act(activation)
    b, t_len, u = xv.shape
    hs = np.empty((b, t_len + 1, u), dtype=xv.dtype)
    hs[:, 0] = hv
    hp = np.empty((b, t_len, u), dtype=xv.dtype)  # previous output as fed to the matmul
    act = np.empty((b, t_len, u), dtype=xv.dtype)
    for t in range(t_len):
        prev = hs[:, t]
        hp[:, t] = prev if rm is None else prev * rm
        act[:, t] = f(xv[:, t] + hp[:, t] @ uv)
        hs[:, t + 1] = _carry(m, t, act[:, t], prev)
    out = hs[:, 1:]
    if xn is None and hn is None and un is None:
        return out
    cache = {}

    def backward(g):
        if "g" in cache and cache["g"] is g:
            return cache["grads"]
        da_all = np.empty_like(act)
        dnext = np.zeros((b, u), dtype=xv.dtype)
        d_act = df(act)
        for t in range(t_len - 1, -1, -1):
            dh = g[:, t] + dnext
            if m is None:
                dnew, dold = dh, 0.0
            else:
                dnew, dold = dh * m[:, t], dh * (1 - m[:, t])
            da = dnew * d_act[:, t]
            da_all[:, t] = da
            dprev = da @ uv.T
            if rm is not None:
                dprev = dprev * rm
            dnext = dprev + dold
        du = hp.reshape(-1, u).T @ da_all.reshape(-1, u)
        cache.update(g=g, grads=(da_all, dnext, du))
        return cache["grads"]

    return record(out, (xn, lambda g: backward(g)[0]), (hn, lambda g: backward(g)[1]),
                  (un, lambda g: backward(g)[2]))


def lstm_sequence(xw, h0, c0, recurrent_kernel, mask=None, recurrent_mask=None,
                  activation="tanh", recurrent_activation="sigmoid"):
    """The LSTM recurrence over a whole sequence (gate order i, f, c, o as in Keras).

    Args:
        xw: `(batch, timesteps, 4 * units)` input projections `x @ kernel + bias`.
        h0, c0: `(batch, units)` initial output and carry states.
        recurrent_kernel: `(units, 4 * units)`.

    Returns:
        `(batch, timesteps, 2 * units)`: at each step the output state `h_t`
        (first `units` columns) and carry state `c_t` (last `units` columns).
    """
    (xv, xn), (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                   recurrent_mask)
    cv, cn = unwrap(c0)
    cv = np.asarray(cv, dtype=xv.dtype)
    f, df = _act(activation)
    sf, dsf = _act(recurrent_activation)
    b, t_len, g4 = xv.shape
    u = g4 // 4
    hc = np.empty((b, t_len + 1, 2 * u), dtype=xv.dtype)  # [h_t, c_t], index 0 = initial
    hc[:, 0, :u] = hv
    hc[:, 0, u:] = cv
    hp = np.empty((b, t_len, u), dtype=xv.dtype)
    gates = np.empty((b, t_len, g4), dtype=xv.dtype)  # activated i, f, g, o
    tcs = np.empty((b, t_len, u), dtype=xv.dtype)  # activation(c_new)
    for t in range(t_len):
        h_prev, c_prev = hc[:, t, :u], hc[:, t, u:]
        hp[:, t] = h_prev if rm is None else h_prev * rm
        z = xv[:, t] + hp[:, t] @ uv
        gt = gates[:, t]
        gt[:, :2 * u] = sf(z[:, :2 * u])
        gt[:, 2 * u:3 * u] = f(z[:, 2 * u:3 * u])
        gt[:, 3 * u:] = sf(z[:, 3 * u:])
        c_new = gt[:, u:2 * u] * c_prev + gt[:, :u] * gt[:, 2 * u:3 * u]
        tcs[:, t] = f(c_new)
        h_new = gt[:, 3 * u:] * tcs[:, t]
        hc[:, t + 1, :u] = _carry(m, t, h_new, h_prev)
        hc[:, t + 1, u:] = _carry(m, t, c_new, c_prev)
    out = hc[:, 1:]
    if xn is None and hn is None and cn is None and un is None:
        return out
    cache = {}

    def backward(gy):
        if "g" in cache and cache["g"] is gy:
            return cache["grads"]
        dz_all = np.empty_like(gates)
        dsig = np.empty_like(gates)
        dsig[..., :2 * u] = dsf(gates[..., :2 * u])
        dsig[..., 2 * u:3 * u] = df(gates[..., 2 * u:3 * u])
        dsig[..., 3 * u:] = dsf(gates[..., 3 * u:])
        dtc_all = df(tcs)
        dh_next = np.zeros((b, u), dtype=xv.dtype)
        dc_next = np.zeros((b, u), dtype=xv.dtype)
        for t in range(t_len - 1, -1, -1):
            dh = gy[:, t, :u] + dh_next
            dc = gy[:, t, u:] + dc_next
            if m is None:
                dh_old = dc_old = 0.0
            else:
                mt = m[:, t]
                dh_old, dc_old = dh * (1 - mt), dc * (1 - mt)
                dh, dc = dh * mt, dc * mt
            gt = gates[:, t]
            i_g, f_g, c_g, o_g = gt[:, :u], gt[:, u:2 * u], gt[:, 2 * u:3 * u], gt[:, 3 * u:]
            dc = dc + dh * o_g * dtc_all[:, t]
            dzt = dz_all[:, t]
            dzt[:, :u] = dc * c_g
            dzt[:, u:2 * u] = dc * hc[:, t, u:]
            dzt[:, 2 * u:3 * u] = dc * i_g
            dzt[:, 3 * u:] = dh * tcs[:, t]
            dzt *= dsig[:, t]
            dprev = dzt @ uv.T
            if rm is not None:
                dprev = dprev * rm
            dh_next = dprev + dh_old
            dc_next = dc * f_g + dc_old
        du = hp.reshape(-1, u).T @ dz_all.reshape(-1, g4)
        cache.update(g=gy, grads=(dz_all, dh_next, dc_next, du))
        return cache["grads"]

    return record(out, (xn, lambda g: backward(g)[0]), (hn, lambda g: backward(g)[1]),
                  (cn, lambda g: backward(g)[2]), (un, lambda g: backward(g)[3]))


def gru_sequence(xw, h0, recurrent_kernel, recurrent_bias=None, mask=None,
                 recurrent_mask=None, reset_after=True, activation="tanh",
                 recurrent_activation="sigmoid"):
    """The GRU recurrence over a whole sequence (gate order z, r, h as in Keras).

    Args:
        xw: `(batch, timesteps, 3 * units)` input projections (with the input bias).
        h0: `(batch, units)` initial state.
        recurrent_kernel: `(units, 3 * units)`.
        recurrent_bias: `(3 * units,)` bias added to `h @ recurrent_kernel`
            (Keras 3's `reset_after=True` bias row 1), or None.
        reset_after: Apply the reset gate after the recurrent matmul (Keras 3
            default, CuDNN-compatible) or before it (Keras 2 original GRU).

    Returns:
        `(batch, timesteps, units)` outputs (also the states).
    """
    (xv, xn), (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                   recurrent_mask)
    if recurrent_bias is not None and not reset_after:
        raise ValueError("`recurrent_bias` is only used with `reset_after=True`.")
    bv, bn = unwrap(recurrent_bias) if recurrent_bias is not None else (None, None)
    f, df = _act(activation)
    sf, dsf = _act(recurrent_activation)
    b, t_len, g3 = xv.shape
    u = g3 // 3
    hs = np.empty((b, t_len + 1, u), dtype=xv.dtype)
    hs[:, 0] = hv
    hp = np.empty((b, t_len, u), dtype=xv.dtype)
    zr = np.empty((b, t_len, 2 * u), dtype=xv.dtype)
    hh = np.empty((b, t_len, u), dtype=xv.dtype)
    rec_h = np.empty((b, t_len, u), dtype=xv.dtype)  # reset_after: h@U_h+b_h; else r*hp
    for t in range(t_len):
        prev = hs[:, t]
        hp[:, t] = prev if rm is None else prev * rm
        x_t = xv[:, t]
        if reset_after:
            hu = hp[:, t] @ uv
            if bv is not None:
                hu = hu + bv
            zr[:, t] = sf(x_t[:, :2 * u] + hu[:, :2 * u])
            rec_h[:, t] = hu[:, 2 * u:]
            hh[:, t] = f(x_t[:, 2 * u:] + zr[:, t, u:] * rec_h[:, t])
        else:
            zr[:, t] = sf(x_t[:, :2 * u] + hp[:, t] @ uv[:, :2 * u])
            rec_h[:, t] = zr[:, t, u:] * hp[:, t]
            hh[:, t] = f(x_t[:, 2 * u:] + rec_h[:, t] @ uv[:, 2 * u:])
        z = zr[:, t, :u]
        h_new = z * prev + (1 - z) * hh[:, t]
        hs[:, t + 1] = _carry(m, t, h_new, prev)
    out = hs[:, 1:]
    if xn is None and hn is None and un is None and bn is None:
        return out
    cache = {}

    def backward(g):
        if "g" in cache and cache["g"] is g:
            return cache["grads"]
        dx_all = np.empty_like(xv)
        drec_all = np.empty_like(xv)  # gradient of the recurrent pre-activations
        d_zr = dsf(zr)
        d_hh = df(hh)
        dnext = np.zeros((b, u), dtype=xv.dtype)
        for t in range(t_len - 1, -1, -1):
            dh = g[:, t] + dnext
            if m is None:
                dold = 0.0
            else:
                mt = m[:, t]
                dold = dh * (1 - mt)
                dh = dh * mt
            z, r = zr[:, t, :u], zr[:, t, u:]
            prev = hs[:, t]
            dz = dh * (prev - hh[:, t]) * d_zr[:, t, :u]
            da = dh * (1 - z) * d_hh[:, t]
            dxt = dx_all[:, t]
            dxt[:, :u] = dz
            dxt[:, 2 * u:] = da
            drt = drec_all[:, t]
            drt[:, :u] = dz
            if reset_after:
                dxt[:, u:2 * u] = da * rec_h[:, t] * d_zr[:, t, u:]
                drt[:, u:2 * u] = dxt[:, u:2 * u]
                drt[:, 2 * u:] = da * r
                dprev = drt @ uv.T
            else:
                d_rh = da @ uv[:, 2 * u:].T
                dxt[:, u:2 * u] = d_rh * hp[:, t] * d_zr[:, t, u:]
                drt[:, u:2 * u] = dxt[:, u:2 * u]
                drt[:, 2 * u:] = da
                dprev = drt[:, :2 * u] @ uv[:, :2 * u].T + d_rh * r
            if rm is not None:
                dprev = dprev * rm
            dnext = dprev + dh * z + dold
        if reset_after:
            du = hp.reshape(-1, u).T @ drec_all.reshape(-1, g3)
        else:
            du = np.empty_like(uv)
            du[:, :2 * u] = hp.reshape(-1, u).T @ drec_all[..., :2 * u].reshape(-1, 2 * u)
            du[:, 2 * u:] = rec_h.reshape(-1, u).T @ drec_all[..., 2 * u:].reshape(-1, u)
        db = drec_all.reshape(-1, g3).sum(axis=0)
        cache.update(g=g, grads=(dx_all, dnext, du, db))
        return cache["grads"]

    return record(out, (xn, lambda g: backward(g)[0]), (hn, lambda g: backward(g)[1]),
                  (un, lambda g: backward(g)[2]), (bn, lambda g: backward(g)[3]))


def basic_slice(x, key):
    """`x[key]` for basic (slice/int) keys, with a VJP that writes instead of scattering."""
    xv, xn = unwrap(x)
    out = xv[key]
    if xn is None:
        return out

    def vjp(g):
        full = np.zeros(xv.shape, dtype=g.dtype)
        full[key] = g
        return full

    return record(out, (xn, vjp))


def embedding_lookup(embeddings, indices):
    """Rows of `embeddings` at integer `indices`; the VJP is a fused scatter-add.

    The gradient sums the output gradients of repeated indices with one sort
    and `np.add.reduceat` (much faster than `np.add.at`).

    Raises:
        ValueError: if an index is outside `[0, input_dim)`.
    """
    ev, en = unwrap(embeddings)
    idx = np.asarray(indices.value if hasattr(indices, "value") else indices)
    if idx.dtype.kind == "f":
        idx = idx.astype(np.int64)
    n = ev.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise ValueError(
            f"Embedding index {bad} is out of range: indices must be in [0, {n}) "
            f"(input_dim={n}). Check your vocabulary size or the tokenizer's `num_words`.")
    out = ev[idx]
    if en is None:
        return out
    d = ev.shape[1:]

    def vjp(g):
        flat = idx.reshape(-1)
        gf = g.reshape((flat.size, *d))
        order = np.argsort(flat, kind="stable")
        sorted_idx = flat[order]
        uniq, starts = np.unique(sorted_idx, return_index=True)
        full = np.zeros(ev.shape, dtype=g.dtype)
        if flat.size:
            full[uniq] = np.add.reduceat(gf[order], starts, axis=0)
        return full

    return record(out, (en, vjp))
