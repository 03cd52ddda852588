"""The rest of Keras 3's activation ops (celu, glu, mish, sparsemax, ...).

Most are compositions of differentiable primitives, so their gradients come
from the primitives' rules; `sparsemax` has its own VJP.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import Tensor, unwrap
from minikeras.ops import numpy as knp
from minikeras.ops.nn import sigmoid, softplus


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `x` if `x >= 0` else `alpha * (exp(x / alpha) - 1)`."""
    neg = knp.multiply(knp.expm1(knp.divide(knp.minimum(x, 0.0), alpha)), alpha)
    return knp.where(knp.greater(x, 0), x, neg)


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)` where `x` is split in halves `a, b` along `axis`."""
    n = np.shape(unwrap(x)[0])[axis]
    if n % 2:
        raise ValueError(
            "axis size must be divisible by 2. Received: "
            f"x.shape={np.shape(unwrap(x)[0])} with axis={axis}"
        )
    a, b = knp.split(x, 2, axis=axis)
    return knp.multiply(a, sigmoid(b))


def hard_tanh(x):
    """`clip(x, -1, 1)`."""
    return knp.clip(x, -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0."""
    return knp.where(knp.greater(knp.abs(x), threshold), x, 0.0)


def soft_shrink(x, threshold=0.5):
    """Shrinks `x` towards 0 by `threshold`; 0 inside `[-threshold, threshold]`."""
    shrunk = knp.subtract(x, knp.multiply(knp.sign(x), threshold))
    return knp.where(knp.greater(knp.abs(x), threshold), shrunk, 0.0)


def tanh_shrink(x):
    """`x - tanh(x)`."""
    return knp.subtract(x, knp.tanh(x))


def log_sigmoid(x):
    """`log(sigmoid(x))` computed stably as `-softplus(-x)`."""
    return knp.negative(softplus(knp.negative(x)))


def mish(x):
    """`x * tanh(softplus(x))`."""
    return knp.multiply(x, knp.tanh(softplus(x)))


def squareplus(x, b=4):
    """`(x + sqrt(x^2 + b)) / 2`, a smooth ReLU."""
    return knp.multiply(knp.add(x, knp.sqrt(knp.add(knp.square(x), float(b)))), 0.5)


def sparse_plus(x):
    """0 for `x <= -1`, `x` for `x >= 1`, `(x + 1)^2 / 4` in between."""
    mid = knp.multiply(knp.square(knp.add(knp.clip(x, -1.0, 1.0), 1.0)), 0.25)
    return knp.where(knp.greater_equal(x, 1), x, mid)


def sparse_sigmoid(x):
    """0 for `x <= -1`, 1 for `x >= 1`, `(x + 1) / 2` in between."""
    return knp.multiply(knp.add(knp.clip(x, -1.0, 1.0), 1.0), 0.5)


def threshold(x, threshold, default_value):  # noqa: A002 - Keras name
    """`x` where `x > threshold`, else `default_value`."""
    return knp.where(knp.greater(x, threshold), x, float(default_value))


def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of `x` onto the probability simplex along `axis`.

    The VJP is `mask * (g - mean of g over the support)` (Martins & Astudillo, 2016).
    """
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    z = np.moveaxis(xv, axis, -1)
    zs = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cums = np.cumsum(zs, axis=-1)
    support = 1 + k * zs > cums
    kz = np.sum(support, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cums, kz - 1, axis=-1) - 1) / kz.astype(z.dtype)
    out = np.moveaxis(np.maximum(z - tau, 0), -1, axis).astype(xv.dtype, copy=False)
    if xn is None:
        return out
    mask = out > 0

    def vjp(g):
        count = np.sum(mask, axis=axis, keepdims=True)
        mean_g = np.sum(g * mask, axis=axis, keepdims=True) / count
        return (mask * (g - mean_g)).astype(g.dtype, copy=False)

    return Tensor(out, (xn,), (vjp,))
