"""The fused LSTM recurrence (see `minikeras.ops.rnn` for the shared conventions).

The per-step loops run on small arrays, where a NumPy call costs about as much
as its arithmetic and an element-wise call on a strided block costs up to twice
a contiguous one. So the loops are written for few calls on contiguous blocks:

* Units-major storage: every per-step array is `(units, batch)`, and a step's
  pre-activations are ONE `(4 units, batch)` product `U.T @ h` whose four gate
  blocks are contiguous (gate-major without a copy). The input projections are
  read the same way: `time_major_dense` stores them gate-major over the whole
  sequence, `(4 units, timesteps, batch)`, so each step's `(4 units, batch)`
  block has contiguous rows. The results are returned as transposed views with
  the documented `(..., batch, units)` shapes.
* Forward, default activations (`tanh`, `sigmoid`): the four gates are
  activated by ONE `exp` pass over `-z` (the sign folded into the recurrent
  kernel, exact), `sigmoid(z) = 1 / (1 + e)` and `tanh(z) = 2 / (1 + e**2) - 1`
  with `e = exp(-z)`, one divide for all four. Other fused activations run
  block by block.
* Backward: the activation derivatives, already multiplied by their partner
  in the chain rule (`dz_i = dc * [g * sigmoid'(z_i)]`, ...), are computed for
  all timesteps in a few large passes before the loop; a step is then five
  element-wise calls, written straight into the units-major `dz`, and the
  `U @ dz_t` product. After the loop `dz` is copied once to gate-major
  `(4 units, timesteps * batch)`: the recurrent-kernel gradient and the input
  projection's kernel and input gradients are then one product each over the
  whole sequence (the thread policy gives them the free cores).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import cached_backward, record, unwrap
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops.rnn import _act, _carry_inplace


def _gate_plan(activation, recurrent_activation, shape, dtype):
    """`(sign, activate)` for the gates (order i, f, c, o): the step computes
    `z = sign * (U.T @ h + xw_t)` (the sign folded into `U`), and `activate(g)`
    replaces the pre-activations in the gate-major `g` of `shape` `(..., 4, units,
    batch)` (a leading axis per direction) by the gate values, in place."""
    if activation == "tanh" and recurrent_activation == "sigmoid":
        # g = -x, e = exp(-x): sigmoid(x) = 1 / (1 + e), tanh(x) = 2 / (1 + e**2) - 1.
        # exp overflows to inf for very negative x, giving the exact limits 0 and -1.
        # One divide for all four gates: numerators 1, 1, 2, 1.
        numerators = np.ones(shape, dtype=dtype)
        numerators[..., 2, :, :] = 2.0

        def activate(g):
            np.exp(g, out=g)
            c = g[..., 2, :, :]
            c *= c
            g += 1.0
            np.divide(numerators, g, out=g)
            c -= 1.0

        return -1.0, activate
    f, sf = _act(activation)[0], _act(recurrent_activation)[0]

    def activate(g):
        sf(g[..., :2, :, :], out=g[..., :2, :, :])
        f(g[..., 2, :, :], out=g[..., 2, :, :])
        sf(g[..., 3, :, :], out=g[..., 3, :, :])

    return 1.0, activate


def _derivative(name, y, out):
    """`out = activation'(x)` from the output `y = activation(x)`, in place where
    the formula allows (tanh: `1 - y**2`, sigmoid: `y * (1 - y)`)."""
    _act(name)[1](y, out)


def _chain_factors(gates, cs, tcs, activation, recurrent_activation):
    """For all steps: `(A, K)` with `dz = [dc, dc, dc, dh] * A` (gate-major,
    gates i, f, c, o) and `K = o * activation'(c)`, the part of `dh` reaching `dc`."""
    a = np.empty_like(gates)
    # One contiguous pass for all four gates, then the candidate gate's own derivative.
    _derivative(recurrent_activation, gates, a)
    _derivative(activation, gates[..., 2, :, :], a[..., 2, :, :])
    a[..., 0, :, :] *= gates[..., 2, :, :]  # i: dc * g
    a[..., 1, :, :] *= cs[:-1]  # f: dc * c_prev
    a[..., 2, :, :] *= gates[..., 0, :, :]  # c: dc * i
    a[..., 3, :, :] *= tcs  # o: dh * activation(c)
    k = np.empty_like(tcs)
    _derivative(activation, tcs, k)
    k *= gates[..., 3, :, :]
    return a, k


def _units_major(xw, dtype):
    """`(timesteps, features, batch)` view or copy of the time-major `xw`, each step's
    `(features, batch)` block with contiguous rows (as `time_major_dense` produces it)."""
    xv = np.asarray(xw, dtype=dtype)
    if xv.ndim != 3:
        raise ValueError(
            f"Expected `xw` of rank 3 (timesteps, batch, features), got shape {xv.shape}"
        )
    xs = xv.transpose(0, 2, 1)
    if xs.strides[-1] != xs.itemsize:
        xs = np.ascontiguousarray(xs)
    return xs


def _mask_steps(mask, dtype, lead):
    """`(timesteps, *lead, 1, batch)` 0/1 floats from `(*lead, batch, timesteps)` booleans."""
    mv = np.asarray(mask, dtype=bool)
    return np.ascontiguousarray(np.moveaxis(mv, -1, 0)[..., None, :].astype(dtype))


def lstm_directions(xts, h0, c0, uv, m, rm, activation, recurrent_activation):
    """The LSTM recurrence of one direction, or of two run side by side in one loop.

    Every array carries `lead` leading axes after the time axis: none for one
    direction, `(2,)` for two; the per-step NumPy calls then cover both directions at
    once (the recurrent products as one batched `matmul`).

    Args:
        xts: one `(timesteps, 4 units, batch)` array of input projections per
            direction, in the order that direction reads them.
        h0, c0: `(*lead, batch, units)` initial states.
        uv: `(*lead, units, 4 units)` recurrent kernels.
        m: None or `(timesteps, *lead, 1, batch)` 0/1 step masks (`_mask_steps`).
        rm: None or `(*lead, batch, units)` recurrent dropout masks.

    Returns:
        `(out, compute)`: `out` `(2, timesteps, *lead, batch, units)`, the output
        states `h_t` (`[0]`) and carry states `c_t` (`[1]`) of every step (a view of
        units-major storage), and `compute(gy)`, the gradients for an upstream `gy` of
        that shape: `(dxts, dh0, dc0, du)`, `dxts` one `(timesteps, batch, 4 units)`
        view of gate-major memory per direction.
    """
    f = np.tanh if activation == "tanh" else _act(activation)[0]
    _act(recurrent_activation)
    dtype = uv.dtype
    lead = uv.shape[:-2]
    t_len, g4, b = xts[0].shape
    u = g4 // 4
    sign, activate = _gate_plan(activation, recurrent_activation, (*lead, 4, u, b), dtype)
    if rm is not None:
        rm = np.asarray(rm, dtype=dtype).swapaxes(-1, -2)
    ukt = np.ascontiguousarray((uv if sign > 0 else -uv).swapaxes(-1, -2))  # (4 units, units)
    add_x = np.add if sign > 0 else np.subtract
    states = np.empty((2, t_len + 1, *lead, u, b), dtype=dtype)  # h and c, from the initial
    hs, cs = states
    hs[0] = np.asarray(h0, dtype=dtype).swapaxes(-1, -2)
    cs[0] = np.asarray(c0, dtype=dtype).swapaxes(-1, -2)
    # The states as fed to the recurrent product.
    hp = hs[:-1] if rm is None else np.empty((t_len, *lead, u, b), dtype=dtype)
    gates = np.empty((t_len, *lead, 4, u, b), dtype=dtype)  # activated i, f, c, o
    tcs = np.empty((t_len, *lead, u, b), dtype=dtype)  # activation(c_t)
    zs = gates.reshape(t_len, *lead, g4, b)  # the same memory, one `(4 units, batch)` block
    if lead:
        zx = [zs[:, d] for d in range(len(xts))]

        def recurrent(h, out, _k=ukt):
            np.matmul(_k, h, out=out)
    else:
        zx = [zs]
        recurrent = ukt.dot  # the bound method: less per-call overhead than np.matmul
    pairs = list(zip(zx, xts))
    tmp = np.empty((*lead, u, b), dtype=dtype)
    multiply = np.multiply
    g_i, g_f, g_c, g_o = (gates[..., j, :, :] for j in range(4))
    prepare_product(g4, u, b)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            if rm is not None:
                multiply(hs[t], rm, out=hp[t])
            recurrent(hp[t], out=zs[t])
            for z, x in pairs:
                add_x(z[t], x[t], out=z[t])
            activate(gates[t])
            c_new = cs[t + 1]
            multiply(g_f[t], cs[t], out=c_new)
            multiply(g_i[t], g_c[t], out=tmp)
            c_new += tmp
            f(c_new, out=tcs[t])
            multiply(g_o[t], tcs[t], out=hs[t + 1])
            if m is not None:
                _carry_inplace(hs[t + 1], hs[t], m[t])
                _carry_inplace(c_new, cs[t], m[t])
    out = states[:, 1:].swapaxes(-1, -2)

    def compute(gy):
        a, k = _chain_factors(gates, cs, tcs, activation, recurrent_activation)
        gh, gc = gy[0].swapaxes(-1, -2), gy[1].swapaxes(-1, -2)
        # Steps whose upstream gradient is zero (all but the last one when only the
        # final state is used) skip the two adds.
        live_h, live_c = np.reshape(gy, (2, t_len, -1)).any(axis=2).tolist()
        dz = np.empty((t_len, *lead, 4, u, b), dtype=dtype)  # units-major, like the gates
        dzs = dz.reshape(t_len, *lead, g4, b)
        dz_ifc, dz_o = dz[..., :3, :, :], dz[..., 3, :, :]
        a_ifc, a_o, gf = a[..., :3, :, :], a[..., 3, :, :], gates[..., 1, :, :]
        uc = np.ascontiguousarray(uv)
        if lead:

            def recurrent_t(dzt, out):
                np.matmul(uc, dzt, out=out)
        else:
            recurrent_t = uc.dot
        dh = np.zeros((*lead, u, b), dtype=dtype)  # gradient reaching h_t from later steps
        dc = np.zeros((*lead, u, b), dtype=dtype)
        dc_gates = dc[..., None, :, :]  # the same memory, broadcast over gates i, f, c
        buf = np.empty((*lead, u, b), dtype=dtype)
        prepare_product(u, g4, b)
        for t in range(t_len - 1, -1, -1):
            if live_h[t]:
                dh += gh[t]
            if live_c[t]:
                dc += gc[t]
            if m is not None:
                dh_old, dc_old = dh * (1.0 - m[t]), dc * (1.0 - m[t])
                dh *= m[t]
                dc *= m[t]
            multiply(dh, k[t], out=buf)
            dc += buf
            multiply(a_ifc[t], dc_gates, out=dz_ifc[t])
            multiply(a_o[t], dh, out=dz_o[t])
            recurrent_t(dzs[t], out=dh)
            if rm is not None:
                dh *= rm
            dc *= gf[t]
            if m is not None:
                dh += dh_old
                dc += dc_old
        # Gate-major over the whole sequence, `(4 units, timesteps * batch)` per
        # direction: the projection's weight gradients and this recurrent-kernel
        # gradient are then one product each.
        dzg = np.ascontiguousarray(np.moveaxis(dzs, 0, -2))
        hpg = np.ascontiguousarray(np.moveaxis(hp, 0, -2)).reshape(*lead, u, t_len * b)
        prepare_product(u, t_len * b, g4)
        du = np.matmul(hpg, dzg.reshape(*lead, g4, t_len * b).swapaxes(-1, -2))
        dxw = np.moveaxis(dzg, -3, -1)  # (*lead, timesteps, batch, 4 units)
        dxts = [dxw[d] for d in range(len(xts))] if lead else [dxw]
        return dxts, dh.swapaxes(-1, -2), dc.swapaxes(-1, -2), du

    return out, compute


def lstm_sequence_time_major(
    xw,
    h0,
    c0,
    recurrent_kernel,
    mask=None,
    recurrent_mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """The LSTM recurrence over a whole time-major sequence (gate order i, f, c, o).

    Args:
        xw: `(timesteps, batch, 4 * units)` input projections `x @ kernel + bias`.
        h0, c0: `(batch, units)` initial output and carry states.
        recurrent_kernel: `(units, 4 * units)`.
        mask: optional `(batch, timesteps)` booleans.

    Returns:
        `(2, timesteps, batch, units)`: the output states `h_t` (`[0]`) and the
        carry states `c_t` (`[1]`) of every step (a view of units-major storage).
    """
    xv, xn = unwrap(xw)
    hv, hn = unwrap(h0)
    cv, cn = unwrap(c0)
    uv, un = unwrap(recurrent_kernel)
    m = None if mask is None else _mask_steps(mask, uv.dtype, ())
    out, compute = lstm_directions(
        [_units_major(xv, uv.dtype)],
        hv,
        cv,
        uv,
        m,
        recurrent_mask,
        activation,
        recurrent_activation,
    )
    if xn is None and hn is None and cn is None and un is None:
        return out
    get = cached_backward(compute)
    return record(
        out,
        (xn, lambda g: get(g)[0][0]),
        (hn, lambda g: get(g)[1]),
        (cn, lambda g: get(g)[2]),
        (un, lambda g: get(g)[3]),
    )


def lstm_sequence(
    xw,
    h0,
    c0,
    recurrent_kernel,
    mask=None,
    recurrent_mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """The LSTM recurrence over a whole batch-major sequence (gate order i, f, c, o).

    `lstm_sequence_time_major` between two transposes (the LSTM layer calls
    that one directly, saving the copies).

    Args:
        xw: `(batch, timesteps, 4 * units)` input projections `x @ kernel + bias`.
        h0, c0: `(batch, units)` initial output and carry states.
        recurrent_kernel: `(units, 4 * units)`.

    Returns:
        `(batch, timesteps, 2 * units)`: at each step the output state `h_t`
        (first `units` columns) and carry state `c_t` (last `units` columns).
    """
    from minikeras.ops.numpy import reshape, transpose

    hc = lstm_sequence_time_major(
        transpose(xw, (1, 0, 2)),
        h0,
        c0,
        recurrent_kernel,
        mask,
        recurrent_mask,
        activation,
        recurrent_activation,
    )
    _, t_len, b, u = np.shape(unwrap(hc)[0])
    return reshape(transpose(hc, (2, 1, 0, 3)), (b, t_len, 2 * u))
