"""Conversions shared by the `tensorflow` stand-in: inputs to arrays, results to tensors."""

from __future__ import annotations

import functools

import numpy as np

from minikeras.backend.autodiff import Tensor, value_of
from minikeras.backend.eager_tensor import EagerTensor, as_eager
from minikeras.backend.tf_dtype import as_dtype
from minikeras.backend.variable import Variable


def np_dtype(dtype):
    """The NumPy dtype for a TensorFlow dtype-like (`tf.float32`, `"int64"`, ...), or None."""
    if dtype is None:
        return None
    d = as_dtype(dtype)
    return np.dtype(str) if d.name == "string" else d.dtype


def to_array(value, dtype=None) -> np.ndarray:
    """A plain array for `value` with `tf.convert_to_tensor`'s dtype rules.

    Python floats become float32 and Python ints int32 (int64 when they do not fit);
    NumPy arrays and tensors keep their dtype unless `dtype` is given.
    """
    dt = np_dtype(dtype)
    if isinstance(value, (EagerTensor, Tensor, Variable)):
        arr = value.value
    elif isinstance(value, (list, tuple)) and any(
        isinstance(e, (EagerTensor, Tensor, Variable)) for e in value
    ):
        arr = np.stack([to_array(e) for e in value])
    else:
        try:
            arr = np.asarray(value, dtype=dt if dt is not None and dt.kind != "U" else None)
        except ValueError:
            raise ValueError(
                "Can't convert a non-rectangular Python sequence to a tensor: every row "
                f"must have the same length. Received: {_short(value)}"
            ) from None
        if dt is None and not isinstance(value, (np.ndarray, np.generic)):
            if arr.dtype == np.float64:
                arr = arr.astype(np.float32)
            elif (
                arr.dtype.kind == "i"
                and arr.dtype.itemsize == 8
                and (arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31))
            ):
                arr = arr.astype(np.int32)
            elif arr.dtype.kind == "S":
                arr = np.char.decode(arr, "utf-8")
            elif arr.dtype == object:
                raise ValueError(
                    "Can't convert a non-rectangular Python sequence to a tensor: every row "
                    f"must have the same length. Received: {_short(value)}"
                )
    if dt is not None and arr.dtype != dt:
        if dt.kind == "U" and arr.dtype.kind == "O":
            arr = np.array(
                [v.decode() if isinstance(v, bytes) else v for v in arr.ravel()], dtype=str
            ).reshape(arr.shape)
        else:
            arr = arr.astype(dt)
    return arr


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def inp(x):
    """An op input: tensors and arrays as they are (so the tape sees them), else converted."""
    if isinstance(x, (np.ndarray, EagerTensor, Tensor, Variable)):
        return x
    return to_array(x)


def _is_tensor_like(x) -> bool:
    return isinstance(x, (np.ndarray, EagerTensor, Tensor, Variable))


def pair(x, y):
    """Two op inputs where a Python value takes the tensor's dtype, as TensorFlow converts it.

    `tf.constant([1, 2]) // 3` stays int32 and `float32_tensor ** 3` float32.
    """
    if _is_tensor_like(x) and not _is_tensor_like(y):
        return x, like(y, x)
    if _is_tensor_like(y) and not _is_tensor_like(x):
        return like(x, y), y
    return inp(x), inp(y)


def like(value, tensor) -> np.ndarray:
    """A Python value converted to `tensor`'s dtype when that loses nothing TF would keep."""
    arr = to_array(value)
    target = np.asarray(value_of(tensor)).dtype
    if arr.dtype == target or target.kind not in "iufb":
        return arr
    if arr.dtype.kind in "iub" or (arr.dtype.kind == "f" and target.kind in "fc"):
        return arr.astype(target)
    return arr


def val(x) -> np.ndarray:
    """The plain value of an input (no gradient flows through what uses it)."""
    if isinstance(x, (np.ndarray, EagerTensor, Tensor, Variable)):
        return np.asarray(value_of(x))
    return to_array(x)


def out(x):
    """A result as user code receives it (NumPy arrays wrapped as `EagerTensor`)."""
    return as_eager(x)


def eager(func):
    """Decorator: the function's NumPy results come back as `EagerTensor`s."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return as_eager(func(*args, **kwargs))

    return wrapper


def axis_arg(axis):
    """An `axis` argument as Python ints (it may be given as a tensor or a list)."""
    if axis is None:
        return None
    a = val(axis)
    return int(a) if a.ndim == 0 else tuple(int(i) for i in a.ravel())


def shape_arg(shape) -> tuple:
    """A shape argument (list, tuple, TensorShape or 1-D tensor) as a tuple of ints."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in np.asarray(val(shape)).ravel())


def missing(module: str, name: str, hint: str = "") -> AttributeError:
    """The AttributeError for a TensorFlow name the stand-in does not provide."""
    return AttributeError(
        f"`{module}.{name}` is not available: under minikeras, `tensorflow` is a stand-in "
        "that runs Keras code eagerly on NumPy and covers what the Keras tutorials use "
        f"(see the README's TensorFlow section). {hint}Use NumPy or `minikeras.ops` for "
        "this, or run the script with real TensorFlow."
    )
