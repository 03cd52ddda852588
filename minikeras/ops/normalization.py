"""Normalization ops: a fused normalize-and-scale with a hand-written VJP, and
Keras' `batch_normalization` / `layer_normalization` ops.

`fused_normalize` computes `(x - mean) / sqrt(var + eps) * gamma + beta` with
the statistics taken over `axes` of `x` itself (batch norm in training, layer
norm, group norm). Its VJP is the closed form

    dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),

with `dxhat = g * gamma` and means over `axes`.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import record, unbroadcast, unwrap


def fused_normalize(x, axes, gamma=None, beta=None, epsilon=1e-3):
    """Normalizes `x` over `axes` with its own statistics, then scales and shifts.

    Args:
        x: Input tensor.
        axes: Axes to take the mean and variance over.
        gamma: Optional scale, broadcastable to `x`.
        beta: Optional offset, broadcastable to `x`.
        epsilon: Added to the variance.

    Returns:
        `(outputs, mean, variance)`; the statistics are plain arrays with
        `keepdims=True` (no gradient flows through them separately).
    """
    xv, xn = unwrap(x)
    gv, gn = unwrap(gamma) if gamma is not None else (None, None)
    bv, bn = unwrap(beta) if beta is not None else (None, None)
    xv = np.asarray(xv)
    if xv.dtype.kind != "f":
        xv = xv.astype(config.floatx())
    axes = tuple(a % xv.ndim for a in axes)
    mean = xv.mean(axis=axes, keepdims=True)
    xc = xv - mean
    var = np.mean(np.square(xc), axis=axes, keepdims=True)
    inv = (1.0 / np.sqrt(var + epsilon)).astype(xv.dtype, copy=False)
    xhat = xc * inv
    out = xhat * gv if gv is not None else xhat.copy()
    if bv is not None:
        out += bv
    if xn is None and gn is None and bn is None:
        return out, mean, var

    def vjp_x(g):
        dxhat = g * gv if gv is not None else g
        return inv * (
            dxhat
            - dxhat.mean(axis=axes, keepdims=True)
            - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)
        )

    y = record(
        out,
        (xn, vjp_x),
        (gn, lambda g: unbroadcast(g * xhat, np.shape(gv))),
        (bn, lambda g: unbroadcast(g, np.shape(bv))),
    )
    return y, mean, var


def _broadcast_param(v, axis, ndim):
    from minikeras.ops.numpy import reshape

    if v is None:
        return None
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(a % ndim for a in axes)
    if axes == [ndim - 1] or np.ndim(unwrap(v)[0]) == ndim:
        return v
    shape = [1] * ndim
    for a, n in zip(axes, np.shape(unwrap(v)[0])):
        shape[a] = n
    return reshape(v, shape)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, as `keras.ops`.

    Args:
        x: Input tensor.
        mean, variance: Statistics of shape `(x.shape[axis],)`.
        axis: The feature axis the statistics and parameters live on.
        offset, scale: Optional `(x.shape[axis],)` parameters.
        epsilon: Added to the variance.
    """
    from minikeras.ops.numpy import add, multiply, sqrt, subtract

    ndim = np.ndim(unwrap(x)[0])
    mean, variance = _broadcast_param(mean, axis, ndim), _broadcast_param(variance, axis, ndim)
    inv = 1.0 / sqrt(add(variance, epsilon))
    if scale is not None:
        inv = multiply(inv, _broadcast_param(scale, axis, ndim))
    out = multiply(subtract(x, mean), inv)
    if offset is not None:
        out = add(out, _broadcast_param(offset, axis, ndim))
    return out


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, rms_scaling=False):
    """Normalizes over `axis` (int or list) of each sample, then scales and shifts.

    With `rms_scaling=True` it follows Keras' (deprecated) definition: no
    centering, divide by `sqrt(var + epsilon)`, multiply by `gamma`.
    """
    from minikeras.ops.numpy import multiply, sqrt, var

    epsilon = config.epsilon() if epsilon is None else epsilon
    ndim = np.ndim(unwrap(x)[0])
    axes = [axis] if isinstance(axis, int) else list(axis)
    gamma, beta = _broadcast_param(gamma, axes, ndim), _broadcast_param(beta, axes, ndim)
    if rms_scaling:
        out = multiply(x, 1.0 / sqrt(var(x, axis=tuple(axes), keepdims=True) + epsilon))
        return out if gamma is None else multiply(out, gamma)
    return fused_normalize(x, axes, gamma, beta, epsilon)[0]
