"""Core ops: conversion, casting, shapes and gradient control."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, unwrap, value_of
from minikeras.backend.variable import Variable


def convert_to_tensor(x, dtype=None, sparse=None):
    """Converts `x` to an array; floats default to `floatx`, tape tensors pass through."""
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, Variable):
        xv, xn = unwrap(x)  # a trainable variable read on a tape stays differentiable
        if xn is not None:
            return xn if dtype is None else cast(xn, dtype)
        x = xv
    arr = np.asarray(x)
    if dtype is not None:
        return arr.astype(config.standardize_dtype(dtype), copy=False)
    if arr.dtype == np.float64 and not isinstance(x, np.ndarray):
        return arr.astype(config.floatx())
    return arr


def convert_to_numpy(x) -> np.ndarray:
    """Returns the NumPy value of `x`."""
    return np.asarray(value_of(x))


def cast(x, dtype):
    """Casts `x` to `dtype`; gradients flow only between float dtypes."""
    dtype = config.standardize_dtype(dtype)
    xv, xn = unwrap(x)
    out = np.asarray(xv).astype(dtype, copy=False)
    if xn is None or out.dtype.kind != "f":
        return out
    src = xv.dtype
    return Tensor(out, (xn,), (lambda g: g.astype(src, copy=False),))


def stop_gradient(x):
    """Returns the value of `x`; no gradient flows back through it."""
    return value_of(x)


def shape(x) -> tuple:
    """Static shape of `x` as a tuple."""
    return tuple(np.shape(value_of(x)))


def ndim(x) -> int:
    """Number of axes of `x`."""
    return np.ndim(value_of(x))


def size(x) -> int:
    """Number of elements of `x`."""
    return int(np.size(value_of(x)))


def dtype(x) -> str:
    """Dtype name of `x`."""
    return np.asarray(value_of(x)).dtype.name


def one_hot(x, num_classes, axis=-1, dtype=None):
    """One-hot encodes integer labels `x` into `num_classes` columns."""
    idx = np.asarray(value_of(x)).astype(np.intp)
    out = np.zeros(idx.shape + (num_classes,), dtype=dtype or config.floatx())
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


def is_tensor(x) -> bool:
    """True for arrays, tape tensors and variables."""
    return isinstance(x, (np.ndarray, Tensor, Variable))


def custom_gradient(f):
    """Decorator: `f(*args)` returns `(value, grad_fn)`; `grad_fn(upstream)` returns grads.

    The value is computed on plain arrays; `grad_fn` receives the upstream gradient
    array and returns one gradient per positional argument.
    """

    def wrapper(*args):
        pairs = [unwrap(a) for a in args]
        value, grad_fn = f(*[v for v, _ in pairs])
        value = value_of(value)
        if all(n is None for _, n in pairs):
            return value
        links = []

        def get(i, g):
            grads = grad_fn(g)
            grads = grads if isinstance(grads, (list, tuple)) else (grads,)
            return None if grads[i] is None else value_of(grads[i])

        parents = []
        vjps = []
        for i, (_, n) in enumerate(pairs):
            if n is not None:
                parents.append(n)
                vjps.append(lambda g, i=i: get(i, g))
        del links
        return Tensor(value, tuple(parents), tuple(vjps))

    wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapper.__doc__ = f.__doc__
    return wrapper
