"""Formulas on plain arrays: the one definition of each activation, crossentropy and
dropout mask, with its vector-Jacobian product (VJP).

The ops in `ops/nn.py` and `ops/numpy.py` wrap these for the tape, and the fused Dense
step (`trainers/dense_stack.py`) calls them directly, so both compute the same float32
operations in the same order (`tests/test_dense_stack.py` checks it bit for bit).

A VJP takes the gradient `g` at the output and returns the gradient at the input; for
the activations its signature is `vjp(g, x, y)` with `x` the input and `y` the output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

_TYPED_SCALARS: dict = {}


def typed_scalar(value, dtype) -> np.ndarray:
    """`value` as a cached, read-only 0-d array of `dtype`.

    A ufunc takes it faster than a Python scalar and computes the same: NumPy casts a
    Python scalar to the array's dtype too. Only for `dtype` the other operand's own.
    """
    key = (value, dtype)
    scalar = _TYPED_SCALARS.get(key)
    if scalar is None:
        scalar = np.asarray(value, dtype=dtype)
        scalar.flags.writeable = False
        _TYPED_SCALARS[key] = scalar
    return scalar


# ----------------------------------------------------------------------------- activations


def linear_value(v):
    return v


def linear_vjp(g, x, y):
    return g


def relu_value(v):
    return np.maximum(v, typed_scalar(0, v.dtype))


def relu_vjp(g, x, y):
    return g * (x > typed_scalar(0, x.dtype))


def tanh_value(v):
    return np.tanh(v)


def tanh_vjp(g, x, y):
    return g * np.subtract(typed_scalar(1, y.dtype), y * y)


def sigmoid_value(v):
    """`1 / (1 + exp(-v))` without overflow (a Python float for a Python scalar)."""
    if not isinstance(v, np.ndarray):
        return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    # exp(-|v|) never overflows: 1 / (1 + e) where v >= 0, e / (1 + e) elsewhere.
    e = np.exp(-np.abs(v))
    one = typed_scalar(1, e.dtype)
    d = np.add(e, one)
    numerator = np.where(v < typed_scalar(0, v.dtype), e, one)
    return np.divide(numerator, d, out=numerator)


def sigmoid_vjp(g, x, y):
    return g * y * np.subtract(typed_scalar(1, y.dtype), y)


def softmax_value(v, axis=-1):
    """Softmax along `axis`, max-subtracted for stability."""
    if type(v) is np.ndarray:  # the ufunc reductions `np.max`/`np.sum` wrap, minus overhead
        m = np.maximum.reduce(v, axis=axis, keepdims=True)
        e = np.exp(v - m)
        e /= np.add.reduce(e, axis=axis, keepdims=True)
        return e
    m = np.max(v, axis=axis, keepdims=True)
    e = np.exp(v - m)
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def softmax_vjp(g, x, y, axis=-1):
    gy = g * y
    return gy - y * np.sum(gy, axis=axis, keepdims=True)


# In-place forms for the fused recurrent ops (`ops/rnn.py`, `ops/rnn_lstm.py`): each
# writes into `out` (possibly a strided view); each derivative is expressed through the
# forward output `y`.


def tanh_into(v, out):
    return np.tanh(v, out=out)


def sigmoid_into(v, out):
    """`1 / (1 + exp(-v))` in place. exp overflows to inf for v < -88 (float32), giving
    the exact limit 0; callers run this under `np.errstate(over="ignore")`. (Not the
    overflow-free `sigmoid_value`: the recurrent ops keep this cheaper in-place form.)"""
    np.negative(v, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def hard_sigmoid_into(v, out):
    np.multiply(v, 1.0 / 6.0, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


def hard_sigmoid_keras2_into(v, out):
    np.multiply(v, 0.2, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


def relu_into(v, out):
    return np.maximum(v, 0, out=out)


def linear_into(v, out):
    out[...] = v
    return out


def tanh_derivative(y, out=None):
    """`tanh'(x) = 1 - y**2` from `y = tanh(x)` (into `out` when given)."""
    if out is None:
        return 1.0 - y * y
    np.multiply(y, y, out=out)
    return np.subtract(1.0, out, out=out)


def sigmoid_derivative(y, out=None):
    """`sigmoid'(x) = y * (1 - y)` from `y = sigmoid(x)` (into `out` when given)."""
    if out is None:
        return y * (1.0 - y)
    np.subtract(1.0, y, out=out)
    out *= y
    return out


def _from_output(derivative):
    """A derivative that allocates, given `out` as well (copied into it)."""

    def with_out(y, out=None):
        d = derivative(y)
        if out is None:
            return d
        out[...] = d
        return out

    return with_out


class Activation(NamedTuple):
    """One activation's formulas.

    Attributes:
        value: `value(v)`, a new array (the ops and the fused Dense step).
        vjp: `vjp(g, x, y)`, the gradient at the input (the ops and the fused Dense step).
        into: `into(v, out)`, the value written into `out` (the fused recurrent ops).
        derivative: `derivative(y, out=None)`, `activation'(x)` from `y = activation(x)`
            (the fused recurrent ops' backward).
    """

    value: Callable | None
    vjp: Callable | None
    into: Callable | None
    derivative: Callable | None


# The one activation table, by Keras name.
ACTIVATIONS = {
    "linear": Activation(
        linear_value, linear_vjp, linear_into, _from_output(lambda y: np.ones_like(y))
    ),
    "relu": Activation(
        relu_value, relu_vjp, relu_into, _from_output(lambda y: (y > 0).astype(y.dtype))
    ),
    "tanh": Activation(tanh_value, tanh_vjp, tanh_into, tanh_derivative),
    "sigmoid": Activation(sigmoid_value, sigmoid_vjp, sigmoid_into, sigmoid_derivative),
    "softmax": Activation(softmax_value, softmax_vjp, None, None),
    "hard_sigmoid": Activation(
        None,
        None,
        hard_sigmoid_into,
        _from_output(lambda y: (((y > 0) & (y < 1)) / 6.0).astype(y.dtype)),
    ),
    "hard_sigmoid_keras2": Activation(
        None,
        None,
        hard_sigmoid_keras2_into,
        _from_output(lambda y: (((y > 0) & (y < 1)) * 0.2).astype(y.dtype)),
    ),
}


# ----------------------------------------------------------------------------- crossentropies


def clip_probs(p, eps):
    """`np.clip(p, eps, 1 - eps)` as two ufunc calls (same values, less overhead)."""
    if p.dtype.kind != "f":
        return np.minimum(np.maximum(p, eps), 1 - eps)
    return np.minimum(np.maximum(p, typed_scalar(eps, p.dtype)), typed_scalar(1 - eps, p.dtype))


def binary_crossentropy_value(t, p):
    """Element-wise binary crossentropy of clipped probabilities `p` (in `p`'s dtype)."""
    one = typed_scalar(1, p.dtype)
    out = -(t * np.log(p) + np.subtract(one, t) * np.log(np.subtract(one, p)))
    return out.astype(p.dtype, copy=False)


def binary_crossentropy_vjp(g, t, p, active):
    """Through the clipped probabilities `p` (`active`: where clipping is inactive)."""
    return g * active * (p - t) / (p * np.subtract(typed_scalar(1, p.dtype), p))


def binary_crossentropy_sigmoid_vjp(g, t, y, active):
    """Fused with the sigmoid that made `y`: the gradient at its logits, `y - t`."""
    return g * (y - t) * active


def binary_crossentropy_logits_value(t, z):
    out = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return out.astype(z.dtype, copy=False)


def binary_crossentropy_logits_vjp(g, t, z):
    return g * (sigmoid_value(z) - t)


def categorical_crossentropy_parts(t, y, eps, axis=-1):
    """`(value, (s, q, p))`: `y` renormalised to `q = y / s`, clipped to `p`, as Keras."""
    s = np.sum(y, axis=axis, keepdims=True)
    q = y / s
    p = clip_probs(q, eps)
    return -np.sum(t * np.log(p), axis=axis), (s, q, p)


def categorical_crossentropy_vjp(g, t, parts, active, axis=-1):
    """Through the renormalisation and the clip (`g` expanded along `axis`)."""
    s, q, p = parts
    gq = -g * t / p * active
    return (gq - np.sum(gq * q, axis=axis, keepdims=True)) / s


def categorical_crossentropy_softmax_vjp(g, t, y, axis=-1):
    """Fused with the softmax that made `y`: the gradient at its logits."""
    return g * (y * np.sum(t, axis=axis, keepdims=True) - t)


def log_softmax_value(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    shifted = z - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def categorical_crossentropy_logits_vjp(g, t, lsm, axis=-1):
    """From logits (`lsm` their log-softmax)."""
    return g * (np.exp(lsm) * np.sum(t, axis=axis, keepdims=True) - t)


# ----------------------------------------------------------------------------- dropout


def dropout_mask(rng, shape, rate: float, dtype) -> np.ndarray:
    """The scaled keep-mask of `Dropout`: `keep / (1 - rate)` with `keep` drawn from `rng`
    (one float32 uniform per entry, kept where it is >= `rate`)."""
    keep = rng.random(shape, dtype=np.float32) >= rate
    return keep * np.asarray(1.0 / (1.0 - rate), dtype=dtype)


# ----------------------------------------------------------------------------- optimizers


def sgd_update(w: np.ndarray, g: np.ndarray, lr: np.ndarray, record=None) -> None:
    """Plain SGD in place: `w -= g * lr` (`lr` a scalar of `w`'s dtype).

    With `record` (the `append` of an optimizer's `UpdateProgram`), the step `g * lr`
    is computed now and the subtraction is recorded, to be made when the update is
    committed."""
    step = np.multiply(g, lr)
    if record is None:
        np.subtract(w, step, out=w)
    else:
        record((np.subtract, w, step, w))
