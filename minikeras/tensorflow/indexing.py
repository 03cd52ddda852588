"""Indexing, selection and ordering in the `tensorflow` stand-in (`tf.gather`, `tf.where`, ...).

The selections built from `minikeras.ops` (or with their own gradient rule, as
`gather_nd`) keep gradients flowing on a `GradientTape`.
"""

from __future__ import annotations

import builtins

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import record, unwrap
from minikeras.backend.tensor_shape import TensorShape
from minikeras.tensorflow._convert import (
    axis_arg,
    inp,
    np_dtype,
    out,
    val,
)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """`tf.gather`: slices of `params` along `axis` (default 0) at `indices`.

    Raises:
        ValueError: for an index out of range (TensorFlow's InvalidArgumentError).
    """
    axis = 0 if axis is None else axis_arg(axis)
    idx = val(indices).astype(np.int64)
    size = val(params).shape[axis]
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = idx[(idx < 0) | (idx >= size)].ravel()[0]
        raise ValueError(f"indices = {bad} is not in [0, {size})")
    if batch_dims:
        p = val(params)
        return out(
            np.stack(
                [
                    val(gather(p[i], idx[i], axis=axis - 1, batch_dims=batch_dims - 1))
                    for i in builtins.range(p.shape[0])
                ]
            )
        )
    return out(ops.take(inp(params), idx, axis=axis))


def gather_nd(params, indices, batch_dims=0, name=None):
    """`tf.gather_nd`: slices of `params` addressed by the last axis of `indices`."""
    if batch_dims:
        p, idx = val(params), val(indices)
        return out(
            np.stack(
                [val(gather_nd(p[i], idx[i], batch_dims - 1)) for i in builtins.range(p.shape[0])]
            )
        )
    idx = val(indices).astype(np.int64)
    key = tuple(np.moveaxis(idx, -1, 0))
    x = inp(params)
    value, node = unwrap(x)
    result = value[key]

    def vjp(g):
        grad = np.zeros_like(value, dtype=g.dtype)
        np.add.at(grad, key, g)
        return grad

    return out(record(result, (node, vjp)))


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """`tf.boolean_mask`: the entries (or slices from `axis`) where `mask` is True."""
    m = val(mask).astype(bool)
    axis = 0 if axis is None else axis_arg(axis)
    x = inp(tensor)
    shape = val(x).shape
    if shape[axis : axis + m.ndim] != m.shape:
        raise ValueError(
            f"Shapes {TensorShape(shape[axis : axis + m.ndim])} and {TensorShape(m.shape)} are "
            "incompatible: the mask must match the leading dimensions it covers."
        )
    flat = ops.reshape(x, (*shape[:axis], -1, *shape[axis + m.ndim :]))
    return out(ops.take(flat, np.flatnonzero(m), axis=axis))


def where(condition, x=None, y=None, name=None):
    """`tf.where`: `x` where `condition` else `y`; with only `condition`, its True coordinates.

    The one-argument form returns an int64 `[num_true, rank]` tensor.
    """
    c = val(condition).astype(bool)
    if x is None and y is None:
        return out(np.argwhere(c).astype(np.int64))
    if x is None or y is None:
        raise ValueError("`x` and `y` must both be given, or neither.")
    return out(ops.where(c, inp(x), inp(y)))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """`tf.one_hot`: indices out of range (or negative) give all-`off_value` rows."""
    idx = val(indices).astype(np.int64)
    depth = int(val(depth))
    on = 1 if on_value is None else val(on_value)
    off = 0 if off_value is None else val(off_value)
    if dtype is None:
        dtype = (
            np.asarray(on).dtype
            if on_value is not None
            else (np.asarray(off).dtype if off_value is not None else np.float32)
        )
        if np.dtype(dtype) == np.float64 and not isinstance(on_value, np.ndarray):
            dtype = np.float32
    hot = idx[..., None] == np.arange(depth)
    res = np.where(hot, on, off).astype(np_dtype(dtype))
    if axis is not None and axis != -1:
        res = np.moveaxis(res, -1, axis)
    return out(res)


def sequence_mask(lengths, maxlen=None, dtype="bool", name=None):
    """`tf.sequence_mask`: `mask[..., j] = j < lengths[...]`."""
    lengths = val(lengths)
    maxlen = int(lengths.max()) if maxlen is None else int(val(maxlen))
    return out((np.arange(maxlen) < lengths[..., None]).astype(np_dtype(dtype)))


def unique(x, out_idx="int32", name=None):
    """`tf.unique`: `(y, idx)` with values in order of first appearance."""
    from collections import namedtuple

    a = val(x)
    _, first, inverse = np.unique(a, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank_of = np.empty_like(order)
    rank_of[order] = np.arange(len(order))
    result = namedtuple("Unique", ["y", "idx"])
    return result(out(a[np.sort(first)]), out(rank_of[inverse.ravel()].astype(np_dtype(out_idx))))


def searchsorted(sorted_sequence, values, side="left", out_type="int32", name=None):
    """`tf.searchsorted` along the last axis."""
    s, v = val(sorted_sequence), val(values)
    if s.ndim == 1:
        res = np.searchsorted(s, v, side=side)
    else:
        res = np.stack(
            [
                np.searchsorted(a, b, side=side)
                for a, b in zip(s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1]))
            ]
        )
        res = res.reshape(v.shape)
    return out(res.astype(np_dtype(out_type)))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`tf.sort`."""
    res = np.sort(val(values), axis=axis)
    return out(np.flip(res, axis=axis) if direction == "DESCENDING" else res)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """`tf.argsort` (int32 indices)."""
    v = val(values)
    key = -v if direction == "DESCENDING" else v
    return out(np.argsort(key, axis=axis, kind="stable").astype(np.int32))
