"""More `keras.ops.nn` activations and helpers, each with its gradient rule."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.ops import numpy as _np_ops
from minikeras.ops.nn import _sigmoid, sigmoid
from minikeras.ops.numpy import _unary


def log_sigmoid(x):
    """`log(sigmoid(x))`, computed stably."""
    return _unary(
        x,
        lambda v: (-np.logaddexp(0, -v)).astype(np.asarray(v).dtype, copy=False),
        lambda g, x, o: g * _sigmoid(-np.asarray(x)),
    )


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `max(x, 0) + alpha * min(0, exp(x / alpha) - 1)`."""
    return _unary(
        x,
        lambda v: np.where(v > 0, v, alpha * np.expm1(np.minimum(v, 0) / alpha)).astype(v.dtype),
        lambda g, x, o: np.where(x > 0, g, g * np.exp(np.minimum(x, 0) / alpha)).astype(g.dtype),
    )


def glu(x, axis=-1):
    """Gated linear unit: first half of `axis` times the sigmoid of the second half."""
    n = np.shape(value_of(x))[axis]
    if n % 2:
        raise ValueError(f"`glu` needs an even size along axis {axis}. Received: {n}")
    a, b = _np_ops.split(x, 2, axis=axis)
    return _np_ops.multiply(a, sigmoid(b))


def hard_tanh(x):
    """`clip(x, -1, 1)`."""
    return _unary(x, lambda v: np.clip(v, -1, 1), lambda g, x, o: g * ((x > -1) & (x < 1)))


def squareplus(x, b=4):
    """Smooth ReLU `(x + sqrt(x^2 + b)) / 2`."""
    return _unary(
        x, lambda v: (v + np.sqrt(v * v + b)) / 2,
        lambda g, x, o: g * 0.5 * (1 + x / np.sqrt(x * x + b)))


def sparse_plus(x):
    """0 for `x <= -1`, `(x + 1)^2 / 4` for `|x| < 1`, `x` for `x >= 1`."""
    return _unary(
        x,
        lambda v: np.where(v <= -1, 0, np.where(v >= 1, v, (v + 1) ** 2 / 4)).astype(v.dtype),
        lambda g, x, o: g * np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2)),
    )


def soft_shrink(x, threshold=0.5):
    """Moves values towards 0 by `threshold`; zero inside `[-threshold, threshold]`."""
    return _unary(
        x,
        lambda v: np.where(v > threshold, v - threshold,
                           np.where(v < -threshold, v + threshold, 0)).astype(v.dtype),
        lambda g, x, o: g * (np.abs(x) > threshold),
    )


def hard_shrink(x, threshold=0.5):
    """Zeroes values inside `[-threshold, threshold]`."""
    return _unary(
        x, lambda v: np.where(np.abs(v) > threshold, v, 0).astype(v.dtype),
        lambda g, x, o: g * (np.abs(x) > threshold),
    )


def tanh_shrink(x):
    """`x - tanh(x)`."""
    return _unary(x, lambda v: v - np.tanh(v), lambda g, x, o: g * np.square(np.tanh(x)))


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`."""
    return _unary(
        x, lambda v: np.where(v > threshold, v, default_value).astype(v.dtype),
        lambda g, x, o: g * (x > threshold),
    )


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: a 1 in every column that one of the last-axis labels names."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    idx = np.asarray(value_of(inputs)).astype(np.intp)
    if num_classes is None:
        raise ValueError("`multi_hot` needs `num_classes`.")
    batched = idx.ndim > 1
    rows = idx if batched else idx[None]
    out = np.zeros((rows.shape[0], num_classes), dtype=dtype or config.floatx())
    np.put_along_axis(out, rows.reshape(rows.shape[0], -1), 1, axis=-1)
    out = out if batched else out[0]
    return out if axis == -1 else np.moveaxis(out, -1, axis)


__all__ = ["celu", "glu", "hard_shrink", "hard_tanh", "log_sigmoid", "multi_hot", "soft_shrink",
           "sparse_plus", "squareplus", "tanh_shrink", "threshold"]
