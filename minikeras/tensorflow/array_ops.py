"""Tensor creation and shape functions of the `tensorflow` stand-in (`tf.constant`, ...).

Each function takes what TensorFlow takes for the arguments tutorials use and
returns `EagerTensor`s; those built from `minikeras.ops` keep gradients flowing
on an active `GradientTape`.
"""

from __future__ import annotations

import builtins

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import record, unwrap
from minikeras.backend.tensor_shape import TensorShape
from minikeras.tensorflow._convert import (
    axis_arg,
    eager,
    inp,
    np_dtype,
    out,
    shape_arg,
    to_array,
    val,
)

newaxis = None


def constant(value, dtype=None, shape=None, name=None):
    """`tf.constant`: a tensor from a value (Python floats become float32, ints int32).

    Args:
        value: A scalar, list or array.
        dtype: Optional dtype.
        shape: Optional shape; a scalar is broadcast to it, other values reshaped.
    """
    arr = np.array(to_array(value, dtype))
    if shape is not None:
        shape = shape_arg(shape)
        arr = np.full(shape, arr, arr.dtype) if arr.size == 1 else arr.reshape(shape)
    return out(arr)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """`tf.convert_to_tensor`: tensors and Variables pass through (their value, recorded)."""
    from minikeras.backend.eager_tensor import EagerTensor

    if isinstance(value, EagerTensor) and (dtype is None or value.dtype == dtype):
        return value
    arr = to_array(value, dtype if dtype is not None else None)
    if (
        dtype is None
        and dtype_hint is not None
        and not isinstance(value, np.ndarray)
        and arr.dtype.kind in "fi"
    ):
        arr = arr.astype(np_dtype(dtype_hint))
    return out(arr)


def _filled(shape, fill, dtype):
    return out(np.full(shape_arg(shape), fill, dtype=np_dtype(dtype)))


def zeros(shape, dtype="float32", name=None, layout=None):
    """`tf.zeros`."""
    return _filled(shape, 0, dtype)


def ones(shape, dtype="float32", name=None, layout=None):
    """`tf.ones`."""
    return _filled(shape, 1, dtype)


def zeros_like(input, dtype=None, name=None, layout=None):  # noqa: A002 - TensorFlow's name
    """`tf.zeros_like`."""
    a = val(input)
    return out(np.zeros(a.shape, dtype=np_dtype(dtype) or a.dtype))


def ones_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    """`tf.ones_like`."""
    a = val(input)
    return out(np.ones(a.shape, dtype=np_dtype(dtype) or a.dtype))


def fill(dims, value, name=None, layout=None):
    """`tf.fill`: a tensor of shape `dims` filled with `value` (its dtype)."""
    v = to_array(value)
    return out(np.full(shape_arg(dims), v, dtype=v.dtype))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """`tf.range`: int32 for integer arguments, float32 when any is a float."""
    if limit is None:
        start, limit = 0, start
    args = [to_array(a) for a in (start, limit, delta)]
    if dtype is not None:
        dt = np_dtype(dtype)
    else:
        floats = [a.dtype for a in args if a.dtype.kind == "f"]
        dt = (
            max(floats, key=lambda d: d.itemsize)
            if floats
            else max((a.dtype for a in args), key=lambda d: d.itemsize)
        )
    return out(np.arange(args[0].item(), args[1].item(), args[2].item()).astype(dt))


def linspace(start, stop, num, name=None, axis=0):
    """`tf.linspace`: `num` evenly spaced values from `start` to `stop` inclusive."""
    a, b = val(start), val(stop)
    dt = np.result_type(a.dtype, b.dtype)
    dt = np.float32 if dt.kind != "f" else dt
    return out(np.linspace(a, b, int(val(num)), axis=axis).astype(dt))


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    """`tf.eye`: identity matrices, optionally batched."""
    m = np.eye(
        int(num_rows), None if num_columns is None else int(num_columns), dtype=np_dtype(dtype)
    )
    if batch_shape is not None:
        m = np.broadcast_to(m, (*shape_arg(batch_shape), *m.shape)).copy()
    return out(m)


def reshape(tensor, shape, name=None):
    """`tf.reshape` (one dimension may be -1)."""
    return out(ops.reshape(inp(tensor), shape_arg(shape)))


def expand_dims(input, axis, name=None):  # noqa: A002
    """`tf.expand_dims`: inserts a length-1 axis at `axis`."""
    return out(ops.expand_dims(inp(input), axis_arg(axis)))


def squeeze(input, axis=None, name=None):  # noqa: A002
    """`tf.squeeze`: removes length-1 axes (all, or those in `axis`)."""
    x = inp(input)
    axis = axis_arg(axis)
    if axis is not None:
        shape = val(x).shape
        for a in axis if isinstance(axis, tuple) else (axis,):
            if shape[a] != 1:
                raise ValueError(
                    f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]}"
                )
    return out(ops.squeeze(x, axis))


def concat(values, axis, name="concat"):
    """`tf.concat`: joins tensors along an existing axis."""
    return out(ops.concatenate([inp(v) for v in values], axis=axis_arg(axis)))


def stack(values, axis=0, name="stack"):
    """`tf.stack`: joins tensors along a new axis."""
    return out(ops.stack([inp(v) for v in values], axis=axis_arg(axis)))


def unstack(value, num=None, axis=0, name="unstack"):
    """`tf.unstack`: the list of slices along `axis`."""
    x = inp(value)
    n = val(x).shape[axis]
    if num is not None and num != n:
        raise ValueError(f"Cannot unstack {n} slices into num={num}.")
    return [out(ops.squeeze(p, axis)) for p in ops.split(x, n, axis=axis)] if n else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """`tf.split`: into `n` equal parts, or parts of the given sizes (one may be -1)."""
    x = inp(value)
    axis = axis_arg(axis)
    size = val(x).shape[axis]
    sizes = val(num_or_size_splits)
    if sizes.ndim == 0:
        n = int(sizes)
        if size % n:
            raise ValueError(
                f"Dimension {axis} of size {size} can't be split evenly into {n} parts."
            )
        return [out(p) for p in ops.split(x, n, axis=axis)]
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
    if sum(sizes) != size:
        raise ValueError(
            f"The sizes {sizes} of `num_or_size_splits` must add up to the dimension's size {size}."
        )
    return [out(p) for p in ops.split(x, list(np.cumsum(sizes)[:-1]), axis=axis)]


def tile(input, multiples, name=None):  # noqa: A002
    """`tf.tile`: repeats the tensor `multiples[i]` times along axis `i`."""
    return out(ops.tile(inp(input), shape_arg(multiples)))


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


def cast(x, dtype, name=None):
    """`tf.cast`: a new dtype (floats to ints truncate toward zero)."""
    dt = np_dtype(dtype)
    if dt.kind == "U":
        raise TypeError("`tf.cast` cannot convert to strings; use `tf.strings.as_string`.")
    return out(ops.cast(inp(x), dt.name))


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


@eager
def shape(input, out_type="int32", name=None):  # noqa: A002
    """`tf.shape`: the shape as an int32 tensor."""
    return np.asarray(np.shape(val(input)), dtype=np_dtype(out_type))


def shape_n(input, out_type="int32", name=None):  # noqa: A002
    return [shape(t, out_type) for t in input]


@eager
def size(input, out_type="int32", name=None):  # noqa: A002
    """`tf.size`: the number of elements."""
    return np.asarray(np.size(val(input)), dtype=np_dtype(out_type))


@eager
def rank(input, name=None):  # noqa: A002
    """`tf.rank`: the number of dimensions."""
    return np.asarray(np.ndim(val(input)), dtype=np.int32)


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """`tf.transpose`: permutes axes (reverses them when `perm` is None)."""
    res = ops.transpose(inp(a), None if perm is None else shape_arg(perm))
    return out(np.conj(val(res)) if conjugate else res)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """`tf.pad`: modes CONSTANT, REFLECT and SYMMETRIC."""
    widths = [tuple(int(w) for w in row) for row in val(paddings).reshape(-1, 2)]
    mode = mode.upper()
    if mode == "CONSTANT":
        return out(ops.pad(inp(tensor), widths, constant_values=val(constant_values).item()))
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(
            f'Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
            f'"SYMMETRIC". Received `mode` = {mode}'
        )
    return out(np.pad(val(tensor), widths, mode=mode.lower()))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`tf.clip_by_value`."""
    return out(ops.clip(inp(t), val(clip_value_min), val(clip_value_max)))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`tf.clip_by_norm`: rescales `t` so its L2 norm (over `axes`) is at most `clip_norm`."""
    x = inp(t)
    norm = ops.sqrt(ops.sum(ops.square(x), axis=axis_arg(axes), keepdims=True))
    c = val(clip_norm)
    scale = np.where(val(norm) > c, c / np.maximum(val(norm), 1e-30), 1.0).astype(val(x).dtype)
    return out(ops.multiply(x, scale))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """`tf.clip_by_global_norm`: `(clipped_list, global_norm)`."""
    values = [None if t is None else val(t) for t in t_list]
    total = (
        np.sqrt(sum(float(np.sum(np.square(v))) for v in values if v is not None))
        if use_norm is None
        else float(val(use_norm))
    )
    scale = float(val(clip_norm)) / max(total, float(val(clip_norm)))
    clipped = [None if v is None else out((v * scale).astype(v.dtype)) for v in values]
    return clipped, out(np.float32(total))


def identity(input, name=None):  # noqa: A002
    """`tf.identity`."""
    return out(ops.copy(inp(input)))


def stop_gradient(input, name=None):  # noqa: A002
    """`tf.stop_gradient`: the value, with no gradient flowing back."""
    return out(val(input))


def py_function(func, inp, Tout=None, name=None):  # noqa: N803 - TensorFlow's names
    """`tf.py_function`: calls `func(*inp)` directly (everything runs eagerly here)."""
    result = func(*inp)
    if Tout is None:
        return out(result)
    if isinstance(Tout, (list, tuple)):
        return [out(to_array(r, t)) for r, t in zip(result, Tout)]
    return out(to_array(result, Tout))


def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803
    """`tf.numpy_function`: calls `func` on the NumPy values of `inp`."""
    return py_function(func, [val(i) for i in inp], Tout)


def reverse(tensor, axis, name=None):
    """`tf.reverse`: flips along each axis in `axis`."""
    return out(ops.flip(inp(tensor), axis_arg(axis)))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """`tf.broadcast_to`."""
    return out(ops.broadcast_to(inp(input), shape_arg(shape)))


def sequence_mask(lengths, maxlen=None, dtype="bool", name=None):
    """`tf.sequence_mask`: `mask[..., j] = j < lengths[...]`."""
    lengths = val(lengths)
    maxlen = int(lengths.max()) if maxlen is None else int(val(maxlen))
    return out((np.arange(maxlen) < lengths[..., None]).astype(np_dtype(dtype)))


def meshgrid(*args, **kwargs):
    """`tf.meshgrid` (indexing "xy" by default)."""
    return [
        out(g) for g in np.meshgrid(*[val(a) for a in args], indexing=kwargs.get("indexing", "xy"))
    ]


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


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """`tf.repeat`."""
    return out(ops.repeat(inp(input), val(repeats), axis=axis_arg(axis)))


def roll(input, shift, axis, name=None):  # noqa: A002
    """`tf.roll`."""
    return out(ops.roll(inp(input), axis_arg(shift), axis=axis_arg(axis)))


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


def einsum(equation, *inputs, **kwargs):
    """`tf.einsum`."""
    return out(ops.einsum(equation, *[inp(i) for i in inputs]))


def tensordot(a, b, axes, name=None):
    """`tf.tensordot`."""
    from minikeras.ops import tensordot as _td

    return out(_td(inp(a), inp(b), axes=axes))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """`tf.norm` (euclidean / Frobenius by default)."""
    x = inp(tensor)
    axis = axis_arg(axis)
    keep = bool(keepdims)
    vector = axis is None or isinstance(axis, int)
    if ord in ("euclidean", "fro") or (ord == 2 and vector):
        return out(ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=keep)))
    if ord == 1 and vector:
        return out(ops.sum(ops.abs(x), axis=axis, keepdims=keep))
    if ord == np.inf and vector:
        return out(ops.max(ops.abs(x), axis=axis, keepdims=keep))
    return out(ops.norm(x, ord=ord, axis=axis, keepdims=keep))
