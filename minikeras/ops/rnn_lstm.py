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
from minikeras.ops.kernels import typed_scalar
from minikeras.ops.rnn_common import _act, _carry_inplace


def _gate_plan(activation, recurrent_activation, shape, dtype):
    """`(sign, activate)` for the gates (order i, f, c, o): the step computes
    `z = sign * (U.T @ h + xw_t)` (the sign folded into `U`), and `activate(g)`
    replaces the pre-activations in the gate-major `g` of `shape` `(4, units, batch)`
    by the gate values, in place."""
    if activation == "tanh" and recurrent_activation == "sigmoid":
        # g = -x, e = exp(-x): sigmoid(x) = 1 / (1 + e), tanh(x) = 2 / (1 + e**2) - 1.
        # exp overflows to inf for very negative x, giving the exact limits 0 and -1.
        # One divide for all four gates: numerators 1, 1, 2, 1.
        numerators = np.ones(shape, dtype=dtype)
        numerators[2] = 2.0
        one = typed_scalar(1, dtype)  # a ufunc takes it faster than the Python 1.0

        def activate(g):
            np.exp(g, out=g)
            c = g[2]
            np.multiply(c, c, out=c)
            np.add(g, one, out=g)
            np.divide(numerators, g, out=g)
            np.subtract(c, one, out=c)

        return -1.0, activate
    f, sf = _act(activation)[0], _act(recurrent_activation)[0]

    def activate(g):
        sf(g[:2], out=g[:2])
        f(g[2], out=g[2])
        sf(g[3], out=g[3])

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
    _derivative(activation, gates[:, 2], a[:, 2])
    a[:, 0] *= gates[:, 2]  # i: dc * g
    a[:, 1] *= cs[:-1]  # f: dc * c_prev
    a[:, 2] *= gates[:, 0]  # c: dc * i
    a[:, 3] *= tcs  # o: dh * activation(c)
    k = np.empty_like(tcs)
    _derivative(activation, tcs, k)
    k *= gates[:, 3]
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
    f = np.tanh if activation == "tanh" else _act(activation)[0]
    _act(recurrent_activation)
    xv, xn = unwrap(xw)
    hv, hn = unwrap(h0)
    cv, cn = unwrap(c0)
    uv, un = unwrap(recurrent_kernel)
    dtype = uv.dtype
    xt = _units_major(xv, dtype)
    t_len, g4, b = xt.shape
    u = g4 // 4
    sign, activate = _gate_plan(activation, recurrent_activation, (4, u, b), dtype)
    m = None  # (timesteps, 1, batch) 0/1 floats
    if mask is not None:
        m = np.ascontiguousarray(np.asarray(mask, dtype=bool).T[:, None, :].astype(dtype))
    rm = None if recurrent_mask is None else np.asarray(recurrent_mask, dtype=dtype).T
    ukt = np.ascontiguousarray((uv if sign > 0 else -uv).T)  # (4 units, units)
    add_x = np.add if sign > 0 else np.subtract
    states = np.empty((2, t_len + 1, u, b), dtype=dtype)  # h and c, from the initial ones
    hs, cs = states
    hs[0] = np.asarray(hv, dtype=dtype).T
    cs[0] = np.asarray(cv, dtype=dtype).T
    hp = hs[:-1] if rm is None else np.empty((t_len, u, b), dtype=dtype)  # fed to the matmul
    gates = np.empty((t_len, 4, u, b), dtype=dtype)  # activated i, f, c, o; gate-major
    tcs = np.empty((t_len, u, b), dtype=dtype)  # activation(c_t)
    zs = gates.reshape(t_len, g4, b)  # the same memory, one `(4 units, batch)` block a step
    recurrent = ukt.dot  # the bound method: less per-call overhead than np.matmul / np.dot
    tmp = np.empty((u, b), dtype=dtype)
    multiply = np.multiply
    prepare_product(g4, u, b)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            if rm is not None:
                multiply(hs[t], rm, out=hp[t])
            g = gates[t]
            z = zs[t]
            recurrent(hp[t], out=z)
            add_x(z, xt[t], out=z)
            activate(g)
            c_new = cs[t + 1]
            multiply(g[1], cs[t], out=c_new)
            multiply(g[0], g[2], out=tmp)
            c_new += tmp
            f(c_new, out=tcs[t])
            multiply(g[3], tcs[t], out=hs[t + 1])
            if m is not None:
                _carry_inplace(hs[t + 1], hs[t], m[t])
                _carry_inplace(c_new, cs[t], m[t])
    out = states[:, 1:].transpose(0, 1, 3, 2)
    if xn is None and hn is None and cn is None and un is None:
        return out

    def compute(gy):
        a, k = _chain_factors(gates, cs, tcs, activation, recurrent_activation)
        gh, gc = gy[0], gy[1]
        # Steps whose upstream gradient is zero (all but the last one when only the
        # final state is used) skip the two adds.
        live_h, live_c = np.reshape(gy, (2, t_len, -1)).any(axis=2).tolist()
        dz = np.empty((t_len, 4, u, b), dtype=dtype)  # units-major, like the gates
        dzs = dz.reshape(t_len, g4, b)
        a_ifc, a_o, gf = a[:, :3], a[:, 3], gates[:, 1]
        recurrent_t = np.ascontiguousarray(uv).dot
        dh = np.zeros((u, b), dtype=dtype)  # gradient reaching h_t from later steps
        dc = np.zeros((u, b), dtype=dtype)
        buf = np.empty((u, b), dtype=dtype)
        prepare_product(u, g4, b)
        for t in range(t_len - 1, -1, -1):
            if live_h[t]:
                dh += gh[t].T
            if live_c[t]:
                dc += gc[t].T
            if m is not None:
                dh_old, dc_old = dh * (1.0 - m[t]), dc * (1.0 - m[t])
                dh *= m[t]
                dc *= m[t]
            multiply(dh, k[t], out=buf)
            dc += buf
            dzt = dz[t]
            multiply(a_ifc[t], dc, out=dzt[:3])
            multiply(a_o[t], dh, out=dzt[3])
            recurrent_t(dzs[t], out=dh)
            if rm is not None:
                dh *= rm
            dc *= gf[t]
            if m is not None:
                dh += dh_old
                dc += dc_old
        # Gate-major over the whole sequence, `(4 units, timesteps * batch)`: the
        # projection's weight gradients and this recurrent-kernel gradient are then
        # one product each.
        dzg = np.ascontiguousarray(dzs.transpose(1, 0, 2))
        hpg = np.ascontiguousarray(hp.transpose(1, 0, 2)).reshape(u, t_len * b)
        prepare_product(u, t_len * b, g4)
        du = np.matmul(hpg, dzg.reshape(g4, t_len * b).T)
        dxw = dzg.transpose(1, 2, 0)  # (timesteps, batch, 4 units)
        return dxw, dh.T, dc.T, du

    get = cached_backward(compute)
    return record(
        out,
        (xn, lambda g: get(g)[0]),
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
