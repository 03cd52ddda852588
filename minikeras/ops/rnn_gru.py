"""The fused GRU recurrence (see `minikeras.ops.rnn` for the shared conventions)."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import cached_backward, record, unwrap
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops.rnn_common import (
    _act,
    _batch_major,
    _carry_inplace,
    _masked_step_grad,
    _prepare,
    _state_buffers,
)


def gru_sequence(
    xw,
    h0,
    recurrent_kernel,
    recurrent_bias=None,
    mask=None,
    recurrent_mask=None,
    reset_after=True,
    activation="tanh",
    recurrent_activation="sigmoid",
):
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
    xt, xn, (hv, hn), (uv, un), m, rm = _prepare(xw, h0, recurrent_kernel, mask, recurrent_mask)
    if recurrent_bias is not None and not reset_after:
        raise ValueError("`recurrent_bias` is only used with `reset_after=True`.")
    bv, bn = unwrap(recurrent_bias) if recurrent_bias is not None else (None, None)
    f, df = _act(activation)
    sf, dsf = _act(recurrent_activation)
    t_len, b, g3 = xt.shape
    u = g3 // 3
    hs, hp = _state_buffers(hv, t_len, b, u, rm)
    zr = np.empty((t_len, b, 2 * u), dtype=xt.dtype)
    hh = np.empty((t_len, b, u), dtype=xt.dtype)
    rec_h = np.empty((t_len, b, u), dtype=xt.dtype)  # reset_after: h@U_h+b_h; else r*hp
    hu = np.empty((b, g3), dtype=xt.dtype)
    u_zr = np.ascontiguousarray(uv[:, : 2 * u])
    u_h = np.ascontiguousarray(uv[:, 2 * u :])
    prepare_product(b, u, g3)
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
                np.add(x[:, : 2 * u], hu[:, : 2 * u], out=gate)
                sf(gate, out=gate)
                rec_h[t] = hu[:, 2 * u :]
                np.multiply(gate[:, u:], rec_h[t], out=hh[t])
            else:
                np.matmul(hp[t], u_zr, out=gate)
                gate += x[:, : 2 * u]
                sf(gate, out=gate)
                np.multiply(gate[:, u:], hp[t], out=rec_h[t])
                np.matmul(rec_h[t], u_h, out=hh[t])
            hh[t] += x[:, 2 * u :]
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
        prepare_product(b, g3, u)
        for t in range(t_len - 1, -1, -1):
            dh = gt[t] + dnext
            dold = _masked_step_grad(dh, m, t)
            z, r = zr[t, :, :u], zr[t, :, u:]
            dxt = dx_all[t]
            drt = drec_all[t]
            dz = dxt[:, :u]
            np.subtract(hs[t], hh[t], out=dz)
            dz *= dh
            dz *= d_zr[t, :, :u]
            da = dxt[:, 2 * u :]
            np.subtract(1.0, z, out=da)
            da *= dh
            da *= d_hh[t]
            drt[:, :u] = dz
            dr = dxt[:, u : 2 * u]
            if reset_after:
                np.multiply(da, rec_h[t], out=dr)
                dr *= d_zr[t, :, u:]
                drt[:, u : 2 * u] = dr
                np.multiply(da, r, out=drt[:, 2 * u :])
                dprev = drt @ ut
            else:
                d_rh = da @ u_h_t
                np.multiply(d_rh, hp[t], out=dr)
                dr *= d_zr[t, :, u:]
                drt[:, u : 2 * u] = dr
                drt[:, 2 * u :] = da
                dprev = drt[:, : 2 * u] @ u_zr_t
                d_rh *= r
                dprev += d_rh
            if rm is not None:
                dprev *= rm
            dh *= z
            dprev += dh
            if dold is not None:
                dprev += dold
            dnext = dprev
        prepare_product(u, t_len * b, g3)
        if reset_after:
            du = hp.reshape(-1, u).T @ drec_all.reshape(-1, g3)
        else:
            du = np.empty_like(uv)
            du[:, : 2 * u] = hp.reshape(-1, u).T @ drec_all[..., : 2 * u].reshape(-1, 2 * u)
            du[:, 2 * u :] = rec_h.reshape(-1, u).T @ drec_all[..., 2 * u :].reshape(-1, u)
        db = drec_all.reshape(-1, g3).sum(axis=0)
        return _batch_major(dx_all), dnext, du, db

    get = cached_backward(compute)
    return record(
        out,
        (xn, lambda g: get(g)[0]),
        (hn, lambda g: get(g)[1]),
        (un, lambda g: get(g)[2]),
        (bn, lambda g: get(g)[3]),
    )
