"""Tensor creation in the `tensorflow` stand-in: `tf.constant`, `tf.zeros`, `tf.range`, ...

Python floats become float32 and Python ints int32, as in TensorFlow; results
are `EagerTensor`s.
"""

from __future__ import annotations

import numpy as np

from minikeras.tensorflow._convert import (
    np_dtype,
    out,
    shape_arg,
    to_array,
    val,
)


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
