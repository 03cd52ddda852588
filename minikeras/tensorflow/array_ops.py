"""Shape and value functions of the `tensorflow` stand-in (`tf.reshape`, `tf.concat`, ...).

Each function takes what TensorFlow takes for the arguments tutorials use and
returns `EagerTensor`s; those built from `minikeras.ops` keep gradients flowing
on an active `GradientTape`.
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.tensorflow import errors
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


def reshape(tensor, shape, name=None):
    """`tf.reshape` (one dimension may be -1).

    Raises:
        tf.errors.InvalidArgumentError: when the sizes do not match (a ValueError).
    """
    x = inp(tensor)
    target = shape_arg(shape)
    try:
        return out(ops.reshape(x, target))
    except ValueError:
        size = int(np.size(val(x)))
        dims = list(np.atleast_1d(target).tolist())
        known = int(np.prod([d for d in dims if d != -1]))
        need = f"a multiple of {known}" if -1 in dims else f"{known} values"
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Input to reshape is a tensor with {size} values, but the requested shape "
            f"{dims} requires {need}.",
        ) from None


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


def cast(x, dtype, name=None):
    """`tf.cast`: a new dtype (floats to ints truncate toward zero)."""
    dt = np_dtype(dtype)
    if dt.kind == "U":
        raise TypeError("`tf.cast` cannot convert to strings; use `tf.strings.as_string`.")
    return out(ops.cast(inp(x), dt.name))


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


def meshgrid(*args, **kwargs):
    """`tf.meshgrid` (indexing "xy" by default)."""
    return [
        out(g) for g in np.meshgrid(*[val(a) for a in args], indexing=kwargs.get("indexing", "xy"))
    ]


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """`tf.repeat`."""
    return out(ops.repeat(inp(input), val(repeats), axis=axis_arg(axis)))


def roll(input, shift, axis, name=None):  # noqa: A002
    """`tf.roll`."""
    return out(ops.roll(inp(input), axis_arg(shift), axis=axis_arg(axis)))


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
