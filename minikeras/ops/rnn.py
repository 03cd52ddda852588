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

# ----------------------------------------------------------------------------- activations
# Each forward writes into `out` (possibly a strided view); each derivative is
# expressed through the forward output `y`.


def _tanh(v, out):
    return np.tanh(v, out=out)


def _sigmoid(v, out):
    # 1 / (1 + exp(-v)); exp overflows to inf for v < -88 (float32), giving the exact
    # limit 0. Callers run this under np.errstate(over="ignore").
    np.negative(v, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _hard_sigmoid(v, out):
    np.multiply(v, 1.0 / 6.0, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


def _relu(v, out):
    return np.maximum(v, 0, out=out)


def _linear(v, out):
    out[...] = v
    return out


FUSED_ACTIVATIONS = {
    "tanh": (_tanh, lambda y: 1.0 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),
    "hard_sigmoid": (_hard_sigmoid, lambda y: (((y > 0) & (y < 1)) / 6.0).astype(y.dtype)),
    "relu": (_relu, lambda y: (y > 0).astype(y.dtype)),
    "linear": (_linear, lambda y: np.ones_like(y)),
}


def _act(name):
    try:
        return FUSED_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Activation {name!r} has no fused recurrent kernel. Fused activations: "
            f"{sorted(FUSED_ACTIVATIONS)}.") from None


def _prepare(xw, h0, recurrent_kernel, mask, recurrent_mask):
    """Unwraps the inputs; returns time-major contiguous projections and masks."""
    xv, xn = unwrap(xw)
    hv, hn = unwrap(h0)
    uv, un = unwrap(recurrent_kernel)
    dtype = uv.dtype
    xv = np.asarray(xv, dtype=dtype)
    if xv.ndim != 3:
        raise ValueError(f"Expected `xw` of rank 3 (batch, timesteps, features), got shape "
                         f"{xv.shape}")
    hv = np.asarray(hv, dtype=dtype)
    xt = np.ascontiguousarray(xv.transpose(1, 0, 2))
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


def _batch_major(a):
    """`(T, B, ...)` → `(B, T, ...)` (a view)."""
    return a.transpose(1, 0, *range(2, a.ndim))


def _cached(compute):
    """Runs the whole-sequence backward once per upstream gradient, for every parent."""
    cache = {}

    def get(g):
        if cache.get("g") is not g:
            cache["grads"] = compute(g)
            cache["g"] = g
        return cache["grads"]

    return get


# ----------------------------------------------------------------------------- SimpleRNN


def simple_rnn_sequence(xw, h0, recurrent_kernel, mask=None, recurrent_mask=None,
                        activation="tanh"):
    """All outputs `h_t = activation(xw_t + h_{t-1} @ recurrent_kernel)` of a SimpleRNN.

    Returns:
        `(batch, timesteps, units)` outputs (also the states, step by step).
    """
    xt, xn, (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                 recurrent_mask)
    f, df = _act(activation)
    t_len, b, u = xt.shape
    hs = np.empty((t_len + 1, b, u), dtype=xt.dtype)
    hs[0] = hv
    hp = np.empty((t_len, b, u), dtype=xt.dtype) if rm is not None else hs[:-1]
    act = np.empty((t_len, b, u), dtype=xt.dtype)
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
        for t in range(t_len - 1, -1, -1):
            dh = gt[t] + dnext
            dold = None
            if m is not None:
                dold = dh * (1.0 - m[t])
                dh *= m[t]
            da = da_all[t]
            da *= dh
            dprev = da @ ut
            if rm is not None:
                dprev *= rm
            if dold is not None:
                dprev += dold
            dnext = dprev
        du = hp.reshape(-1, u).T @ da_all.reshape(-1, u)
        return _batch_major(da_all), dnext, du

    get = _cached(compute)
    return record(out, (xn, lambda g: get(g)[0]), (hn, lambda g: get(g)[1]),
                  (un, lambda g: get(g)[2]))


# ----------------------------------------------------------------------------- LSTM


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
    xt, xn, (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                 recurrent_mask)
    cv, cn = unwrap(c0)
    f, df = _act(activation)
    sf, dsf = _act(recurrent_activation)
    t_len, b, g4 = xt.shape
    u = g4 // 4
    hs = np.empty((t_len + 1, b, u), dtype=xt.dtype)
    cs = np.empty((t_len + 1, b, u), dtype=xt.dtype)
    hs[0] = hv
    cs[0] = np.asarray(cv, dtype=xt.dtype)
    hp = np.empty((t_len, b, u), dtype=xt.dtype) if rm is not None else hs[:-1]
    gates = np.empty((t_len, b, g4), dtype=xt.dtype)  # activated i, f, g, o
    tcs = np.empty((t_len, b, u), dtype=xt.dtype)  # activation(c_new)
    tmp = np.empty((b, u), dtype=xt.dtype)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            if rm is not None:
                np.multiply(hs[t], rm, out=hp[t])
            z = gates[t]
            np.matmul(hp[t], uv, out=z)
            z += xt[t]
            sf(z[:, :2 * u], out=z[:, :2 * u])
            f(z[:, 2 * u:3 * u], out=z[:, 2 * u:3 * u])
            sf(z[:, 3 * u:], out=z[:, 3 * u:])
            c_new = cs[t + 1]
            np.multiply(z[:, u:2 * u], cs[t], out=c_new)
            np.multiply(z[:, :u], z[:, 2 * u:3 * u], out=tmp)
            c_new += tmp
            f(c_new, out=tcs[t])
            np.multiply(z[:, 3 * u:], tcs[t], out=hs[t + 1])
            if m is not None:
                _carry_inplace(hs[t + 1], hs[t], m[t])
                _carry_inplace(c_new, cs[t], m[t])
    out = np.empty((b, t_len, 2 * u), dtype=xt.dtype)
    out[:, :, :u] = _batch_major(hs[1:])
    out[:, :, u:] = _batch_major(cs[1:])
    if xn is None and hn is None and cn is None and un is None:
        return out

    def compute(gy):
        gt = gy.transpose(1, 0, 2)
        dz_all = np.empty_like(gates)
        dsig = np.empty_like(gates)
        dsig[..., :2 * u] = dsf(gates[..., :2 * u])
        dsig[..., 2 * u:3 * u] = df(gates[..., 2 * u:3 * u])
        dsig[..., 3 * u:] = dsf(gates[..., 3 * u:])
        dtc_all = df(tcs)
        ut = np.ascontiguousarray(uv.T)
        dh_next = np.zeros((b, u), dtype=xt.dtype)
        dc_next = np.zeros((b, u), dtype=xt.dtype)
        buf = np.empty((b, u), dtype=xt.dtype)
        for t in range(t_len - 1, -1, -1):
            dh = gt[t, :, :u] + dh_next
            dc = gt[t, :, u:] + dc_next
            dh_old = dc_old = None
            if m is not None:
                keep, skip = m[t], 1.0 - m[t]
                dh_old, dc_old = dh * skip, dc * skip
                dh *= keep
                dc *= keep
            g = gates[t]
            dz = dz_all[t]
            # dc += dh * o * activation'(c)
            np.multiply(dh, g[:, 3 * u:], out=buf)
            buf *= dtc_all[t]
            dc += buf
            np.multiply(dc, g[:, 2 * u:3 * u], out=dz[:, :u])
            np.multiply(dc, cs[t], out=dz[:, u:2 * u])
            np.multiply(dc, g[:, :u], out=dz[:, 2 * u:3 * u])
            np.multiply(dh, tcs[t], out=dz[:, 3 * u:])
            dz *= dsig[t]
            dh_next = dz @ ut
            if rm is not None:
                dh_next *= rm
            dc *= g[:, u:2 * u]
            dc_next = dc
            if dh_old is not None:
                dh_next += dh_old
                dc_next += dc_old
        du = hp.reshape(-1, u).T @ dz_all.reshape(-1, g4)
        return _batch_major(dz_all), dh_next, dc_next, du

    get = _cached(compute)
    return record(out, (xn, lambda g: get(g)[0]), (hn, lambda g: get(g)[1]),
                  (cn, lambda g: get(g)[2]), (un, lambda g: get(g)[3]))


# ----------------------------------------------------------------------------- GRU


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
            default, CuDNN-compatible) or before it (`False`: Keras 2 original GRU).

    Returns:
        `(batch, timesteps, units)` outputs (also the states).
    """
    xt, xn, (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask,
                                                 recurrent_mask)
    if recurrent_bias is not None and not reset_after:
        raise ValueError("`recurrent_bias` is only used with `reset_after=True`.")
    bv, bn = unwrap(recurrent_bias) if recurrent_bias is not None else (None, None)
    f, df = _act(activation)
    sf, dsf = _act(recurrent_activation)
    t_len, b, g3 = xt.shape
    u = g3 // 3
    hs = np.empty((t_len + 1, b, u), dtype=xt.dtype)
    hs[0] = hv
    hp = np.empty((t_len, b, u), dtype=xt.dtype) if rm is not None else hs[:-1]
    zr = np.empty((t_len, b, 2 * u), dtype=xt.dtype)
    hh = np.empty((t_len, b, u), dtype=xt.dtype)
    rec_h = np.empty((t_len, b, u), dtype=xt.dtype)  # reset_after: h@U_h+b_h; else r*hp
    hu = np.empty((b, g3), dtype=xt.dtype)
    u_zr = np.ascontiguousarray(uv[:, :2 * u])
    u_h = np.ascontiguousarray(uv[:, 2 * u:])
    with np.errstate(over="ignore"):
        for t in range(t_len):
            if rm is not None:
                np.multiply(hs[t], rm, out=hp[t])
            x = xt[t]
            gate = zr[t]
            if reset_after:
                np.matmul(hp[t], uv, out=hu)
                if bv is not None:
                    hu += bv
                np.add(x[:, :2 * u], hu[:, :2 * u], out=gate)
                sf(gate, out=gate)
                rec_h[t] = hu[:, 2 * u:]
                np.multiply(gate[:, u:], rec_h[t], out=hh[t])
            else:
                np.matmul(hp[t], u_zr, out=gate)
                gate += x[:, :2 * u]
                sf(gate, out=gate)
                np.multiply(gate[:, u:], hp[t], out=rec_h[t])
                np.matmul(rec_h[t], u_h, out=hh[t])
            hh[t] += x[:, 2 * u:]
            f(hh[t], out=hh[t])
            # h_new = z * h_prev + (1 - z) * hh = hh + z * (h_prev - hh)
            h_new = hs[t + 1]
            np.subtract(hs[t], hh[t], out=h_new)
            h_new *= gate[:, :u]
            h_new += hh[t]
            if m is not None:
                _carry_inplace(h_new, hs[t], m[t])
    out = np.ascontiguousarray(_batch_major(hs[1:]))
    if xn is None and hn is None and un is None and bn is None:
        return out

    def compute(g):
        gt = g.transpose(1, 0, 2)
        dx_all = np.empty_like(xt)
        drec_all = np.empty_like(xt)  # gradient of the recurrent pre-activations
        d_zr = dsf(zr)
        d_hh = df(hh)
        ut = np.ascontiguousarray(uv.T)
        u_zr_t = np.ascontiguousarray(u_zr.T)
        u_h_t = np.ascontiguousarray(u_h.T)
        dnext = np.zeros((b, u), dtype=xt.dtype)
        for t in range(t_len - 1, -1, -1):
            dh = gt[t] + dnext
            dold = None
            if m is not None:
                dold = dh * (1.0 - m[t])
                dh *= m[t]
            z, r = zr[t, :, :u], zr[t, :, u:]
            dxt = dx_all[t]
            drt = drec_all[t]
            dz = dxt[:, :u]
            np.subtract(hs[t], hh[t], out=dz)
            dz *= dh
            dz *= d_zr[t, :, :u]
            da = dxt[:, 2 * u:]
            np.subtract(1.0, z, out=da)
            da *= dh
            da *= d_hh[t]
            drt[:, :u] = dz
            dr = dxt[:, u:2 * u]
            if reset_after:
                np.multiply(da, rec_h[t], out=dr)
                dr *= d_zr[t, :, u:]
                drt[:, u:2 * u] = dr
                np.multiply(da, r, out=drt[:, 2 * u:])
                dprev = drt @ ut
            else:
                d_rh = da @ u_h_t
                np.multiply(d_rh, hp[t], out=dr)
                dr *= d_zr[t, :, u:]
                drt[:, u:2 * u] = dr
                drt[:, 2 * u:] = da
                dprev = drt[:, :2 * u] @ u_zr_t
                d_rh *= r
                dprev += d_rh
            if rm is not None:
                dprev *= rm
            dh *= z
            dprev += dh
            if dold is not None:
                dprev += dold
            dnext = dprev
        if reset_after:
            du = hp.reshape(-1, u).T @ drec_all.reshape(-1, g3)
        else:
            du = np.empty_like(uv)
            du[:, :2 * u] = hp.reshape(-1, u).T @ drec_all[..., :2 * u].reshape(-1, 2 * u)
            du[:, 2 * u:] = rec_h.reshape(-1, u).T @ drec_all[..., 2 * u:].reshape(-1, u)
        db = drec_all.reshape(-1, g3).sum(axis=0)
        return _batch_major(dx_all), dnext, du, db

    get = _cached(compute)
    return record(out, (xn, lambda g: get(g)[0]), (hn, lambda g: get(g)[1]),
                  (un, lambda g: get(g)[2]), (bn, lambda g: get(g)[3]))


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
