"""Max and average pooling (1D/2D/3D) with hand-written VJPs.

Both loop over the pool's taps, combining strided slices of the padded input,
so no window copy is made. Max pooling's VJP routes the gradient to the first
tap (in window order) equal to the window maximum; average pooling with
`"same"` padding divides by the number of real (unpadded) elements in each
window, as Keras does.

Max pooling with disjoint windows that tile the input (`strides == pool_size`,
the common case) views the padded input as `(N, o1, k1, o2, k2, ..., C)`: the
forward reduces the window axes one at a time with `np.maximum`, keeping which
slice won along each, so the VJP is one multiply per window slice.
Rows/columns that no window covers ("valid" padding of odd sizes) get zero
gradient, as in Keras.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap
from minikeras.ops import conv_utils as cu


def _prepare(op, x, pool_size, strides, padding):
    xv = np.asarray(x)
    n = cu.spatial_rank(op, xv.shape)
    pool = cu.normalize_tuple(pool_size, n, "pool_size")
    strides = pool if strides is None else cu.normalize_tuple(strides, n, "strides")
    padding = cu.normalize_padding(padding)
    ones = (1,) * n
    pads = cu.spatial_pads(xv.shape[1:-1], pool, strides, ones, padding)
    out_sp = tuple(
        cu.output_length(s, k, st, 1, padding) for s, k, st in zip(xv.shape[1:-1], pool, strides)
    )
    cu.check_output(op, xv.shape, out_sp, pool, ones, padding)
    return xv, pool, strides, pads, out_sp


def _lowest(dtype):
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _tiled_max_pool(xp, xn, pool, out_sp, pads):
    """Max pooling of the padded input `xp` with `strides == pool`, windows as axes.

    The window axes are reduced one at a time, innermost first, each keeping the
    index of its first maximal slice (a strict `>` keeps the earlier one on ties).
    Picking the first maximal slice along each axis from the innermost outwards
    selects the first maximal element in window (row-major) order, Keras's rule.
    """
    n = len(pool)
    batch, channels = xp.shape[0], xp.shape[-1]
    used = tuple(o * k for o, k in zip(out_sp, pool))
    crop = (slice(None), *(slice(0, u) for u in used), slice(None))
    split = (batch, *(v for ok in zip(out_sp, pool) for v in ok), channels)
    cur = xp[crop].reshape(split)  # splitting axes: a view even of a crop
    picks = []  # (window axis, index of the winning slice along it), innermost first
    for ax in range(2 * n, 1, -2):
        lead = (slice(None),) * ax
        k = cur.shape[ax]
        red, pick = cur[lead + (0,)], None
        for j in range(1, k):
            v = cur[lead + (j,)]
            if xn is not None:
                better = np.greater(v, red)
                if k == 2:
                    pick = better
                else:
                    if pick is None:
                        pick = np.zeros(better.shape, dtype=np.min_scalar_type(k - 1))
                    np.copyto(pick, j, where=better)
            red = np.maximum(red, v) if j == 1 else np.maximum(red, v, out=red)
        cur = red
        picks.append((ax, k, pick))
    out = cur if cur.flags.c_contiguous and cur.flags.owndata else cur.copy()
    if xn is None:
        return out
    covered = used == xp.shape[1:-1]

    def vjp(g):
        gc = np.asarray(g)
        dx = None if covered else np.zeros(xp.shape, dtype=gc.dtype)
        for i, (ax, k, pick) in enumerate(reversed(picks)):  # outermost axis first
            lead = (slice(None),) * ax
            shape = gc.shape[:ax] + (k,) + gc.shape[ax:]
            if i < n - 1 or dx is None:
                new = np.empty(shape, dtype=gc.dtype)
            else:  # the last axis writes straight into the covered part of dx
                new = dx[crop].reshape(split)
            if pick is None:
                new[lead + (0,)] = gc
            elif k == 2:
                np.multiply(gc, np.logical_not(pick), out=new[lead + (0,)])
                np.multiply(gc, pick, out=new[lead + (1,)])
            else:
                for j in range(k):
                    np.multiply(gc, pick == j, out=new[lead + (j,)])
            gc = new
        if dx is None:
            dx = gc.reshape(xp.shape)
        return cu.crop_spatial(dx, pads)

    return record(out, (xn, vjp))


def _max_pool_cl(x, pool_size, strides, padding):
    xv, xn = unwrap(x)
    xv, pool, strides, pads, out_sp = _prepare("max_pool", xv, pool_size, strides, padding)
    xp = cu.pad_spatial(xv, pads, _lowest(xv.dtype))
    if strides == pool:
        return _tiled_max_pool(xp, xn, pool, out_sp, pads)
    ones = (1,) * len(pool)
    taps = [cu.tap_slice(kidx, out_sp, strides, ones) for kidx in np.ndindex(*pool)]
    out = xp[taps[0]].copy()
    for tap in taps[1:]:
        np.maximum(out, xp[tap], out=out)
    if xn is None:
        return out
    disjoint = all(st >= k for st, k in zip(strides, pool))

    def vjp(g):
        # The first tap (in window order) equal to the maximum gets the gradient.
        dx = np.zeros(xp.shape, dtype=g.dtype)
        taken = np.zeros(out.shape, dtype=bool)
        hit = np.empty(out.shape, dtype=bool)
        for tap in taps:
            np.equal(xp[tap], out, out=hit)
            hit &= ~taken
            taken |= hit
            if disjoint:  # each input element is in one window: write, don't add
                np.multiply(g, hit, out=dx[tap])
            else:
                dx[tap] += g * hit
        return cu.crop_spatial(dx, pads)

    return record(out, (xn, vjp))


def _window_counts(spatial, pool, strides, pads, out_sp, dtype):
    """Number of real input elements in each window, `(1, *out, 1)`."""
    ones = (1,) * len(pool)
    p = cu.pad_spatial(np.ones((1, *spatial, 1), dtype=dtype), pads)
    total = np.zeros((1, *out_sp, 1), dtype=dtype)
    for kidx in np.ndindex(*pool):
        total += p[cu.tap_slice(kidx, out_sp, strides, ones)]
    return total


def _average_pool_cl(x, pool_size, strides, padding):
    xv, xn = unwrap(x)
    xv, pool, strides, pads, out_sp = _prepare("average_pool", xv, pool_size, strides, padding)
    if xv.dtype.kind != "f":
        xv = xv.astype("float32")
    xp = cu.pad_spatial(xv, pads)
    ones = (1,) * len(pool)
    out = np.zeros((xv.shape[0], *out_sp, xv.shape[-1]), dtype=xv.dtype)
    for kidx in np.ndindex(*pool):
        out += xp[cu.tap_slice(kidx, out_sp, strides, ones)]
    if any(a or b for a, b in pads):
        counts = _window_counts(xv.shape[1:-1], pool, strides, pads, out_sp, xv.dtype)
    else:
        counts = np.asarray(cu.prod(pool), dtype=xv.dtype)
    out /= counts
    if xn is None:
        return out

    def vjp(g):
        gc = g / counts
        dx = np.zeros(xp.shape, dtype=g.dtype)
        for kidx in np.ndindex(*pool):
            dx[cu.tap_slice(kidx, out_sp, strides, ones)] += gc
        return cu.crop_spatial(dx, pads)

    return record(out, (xn, vjp))


def _dispatch(fn, op, inputs, pool_size, strides, padding, data_format):
    return cu.in_data_format(op, fn, inputs, data_format, pool_size, strides, padding)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1, 2 or 3 spatial axes, as `keras.ops.max_pool`.

    Args:
        inputs: Tensor of rank 3, 4 or 5.
        pool_size: Int or tuple of ints, the window size.
        strides: Int or tuple of ints (default: `pool_size`).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
    """
    return _dispatch(_max_pool_cl, "max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1, 2 or 3 spatial axes, as `keras.ops.average_pool`.

    With `"same"` padding, padded positions are not counted in the average.
    """
    return _dispatch(
        _average_pool_cl, "average_pool", inputs, pool_size, strides, padding, data_format
    )
