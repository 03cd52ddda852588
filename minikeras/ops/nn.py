"""Neural-network ops: activations, softmax and the fused cross-entropies.

The cross-entropies get hand-written gradients: `softmax + categorical
crossentropy` and `sigmoid + binary crossentropy` collapse to `p - y`,
whether the probabilities came from a recorded softmax/sigmoid or logits.
"""

from __future__ import annotations

import math

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, unbroadcast, unwrap, value_of
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops import kernels
from minikeras.ops.kernels import clip_probs as _clip_probs
from minikeras.ops.kernels import sigmoid_value as _sigmoid
from minikeras.ops.kernels import softmax_value as _softmax_value
from minikeras.ops.numpy import _float_input, _float_unary, _unary

# ----------------------------------------------------------------------------- activations


def relu(x):
    """Rectified linear unit: `max(x, 0)`."""
    t = _unary(
        x,
        lambda v: kernels.relu_value(np.asarray(v)),
        lambda g, x, o: kernels.relu_vjp(g, np.asarray(x), o),
    )
    if type(t) is Tensor:
        t.op = ("relu", t.op[1])
    return t


def relu6(x):
    """ReLU capped at 6."""
    return _unary(x, lambda v: np.clip(v, 0, 6), lambda g, x, o: g * ((x > 0) & (x < 6)))


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` if `x > 0` else `negative_slope * x`."""
    return _float_unary(
        x,
        lambda v: np.where(v > 0, v, v * negative_slope).astype(v.dtype, copy=False),
        lambda g, x, o: np.where(x > 0, g, g * negative_slope).astype(g.dtype, copy=False),
    )


def sigmoid(x):
    """Logistic sigmoid `1 / (1 + exp(-x))`, computed without overflow."""
    x = _float_input(x)
    xv, xn = unwrap(x)
    out = _sigmoid(np.asarray(xv))
    if xn is None:
        return out
    t = _SigmoidTensor(
        out, (xn,), (lambda g: kernels.sigmoid_vjp(g, xv, out),), logits=xv, parent=xn
    )
    t.op = ("sigmoid", (xn,))
    return t


class _SigmoidTensor(Tensor):
    """A sigmoid output that remembers its logits for the fused crossentropy."""

    __slots__ = ("logits", "parent")

    def __init__(self, value, parents, vjps, logits, parent):
        super().__init__(value, parents, vjps)
        self.logits = logits
        self.parent = parent


class _SoftmaxTensor(Tensor):
    """A softmax output that remembers its logits for the fused crossentropy."""

    __slots__ = ("logits", "parent", "axis")

    def __init__(self, value, parents, vjps, logits, parent, axis):
        super().__init__(value, parents, vjps)
        self.logits = logits
        self.parent = parent
        self.axis = axis


def _hard_sigmoid(x, width: float):
    """`clip(x / width + 0.5, 0, 1)`: linear over `(-width/2, width/2)`."""
    half = width / 2.0
    return _float_unary(
        x,
        lambda v: np.clip(v / width + 0.5, 0, 1).astype(np.asarray(v).dtype, copy=False),
        lambda g, x, o: g * ((x > -half) & (x < half)) / width,
    )


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: `clip(x / 6 + 0.5, 0, 1)` (Keras 3 definition)."""
    return _hard_sigmoid(x, 6.0)


def hard_sigmoid_keras2(x):
    """Keras 1/2's piecewise-linear sigmoid: `clip(0.2 * x + 0.5, 0, 1)`.

    What `hard_sigmoid` meant in files saved by Keras 1 and 2 (the default
    `recurrent_activation` of their LSTM and GRU layers).
    """
    return _hard_sigmoid(x, 5.0)


def hard_silu(x):
    """`x * hard_sigmoid(x)`."""
    x = _float_input(x)
    from minikeras.ops.numpy import multiply

    return multiply(x, hard_sigmoid(x))


def softplus(x):
    """`log(1 + exp(x))`, computed stably."""
    t = _float_unary(
        x,
        lambda v: (np.logaddexp(0, v)).astype(np.asarray(v).dtype, copy=False),
        lambda g, x, o: g * _sigmoid(np.asarray(x)),
    )
    if type(t) is Tensor:
        t.op = ("softplus", t.op[1])
    return t


def softsign(x):
    """`x / (1 + |x|)`."""
    return _float_unary(
        x, lambda v: v / (1 + np.abs(v)), lambda g, x, o: g / np.square(1 + np.abs(x))
    )


def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`."""

    def vjp(g, x, o):
        s = _sigmoid(np.asarray(x))
        return g * (s * (1 + x * (1 - s)))

    return _float_unary(x, lambda v: v * _sigmoid(np.asarray(v)), vjp)


swish = silu


def elu(x, alpha=1.0):
    """Exponential linear unit."""

    def fwd(v):
        return np.where(v > 0, v, alpha * np.expm1(np.minimum(v, 0))).astype(v.dtype, copy=False)

    t = _float_unary(x, fwd, lambda g, x, o: np.where(x > 0, g, g * (o + alpha)).astype(g.dtype))
    if type(t) is Tensor:
        t.op = ("elu", (t.op[1][0], alpha))
    return t


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled exponential linear unit."""
    a, s = _SELU_ALPHA, _SELU_SCALE

    def fwd(v):
        return (s * np.where(v > 0, v, a * np.expm1(np.minimum(v, 0)))).astype(v.dtype)

    return _float_unary(
        x, fwd, lambda g, x, o: np.where(x > 0, g * s, g * (o + s * a)).astype(g.dtype)
    )


def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default, like Keras)."""
    c = math.sqrt(2 / math.pi)
    if approximate:

        def fwd(v):
            return (0.5 * v * (1 + np.tanh(c * (v + 0.044715 * v**3)))).astype(v.dtype)

        def vjp(g, v, o):
            t = np.tanh(c * (v + 0.044715 * v**3))
            dt = (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
            return g * (0.5 * (1 + t) + 0.5 * v * dt)

        return _float_unary(x, fwd, vjp)

    def fwd_exact(v):
        return (0.5 * v * (1 + _erf(v / math.sqrt(2)))).astype(v.dtype)

    def vjp_exact(g, v, o):
        cdf = 0.5 * (1 + _erf(v / math.sqrt(2)))
        pdf = np.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)
        return (g * (cdf + v * pdf)).astype(g.dtype)

    return _float_unary(x, fwd_exact, vjp_exact)


_erf_exact = np.vectorize(math.erf, otypes=[np.float64])


def _erf(v):
    """The error function: exact (`math.erf`) in float64; vectorised below that.

    For float32/float16 the Chebyshev fit of Numerical Recipes' `erfcc`
    (absolute error < 1.2e-7, i.e. float32 resolution) is ~5x faster than
    calling `math.erf` per element.
    """
    v = np.asarray(v)
    if v.dtype == np.float64 or v.dtype.kind != "f":
        return _erf_exact(v)
    z = np.abs(v)
    t = 1 / (1 + 0.5 * z)
    poly = -1.26551223 + t * (
        1.00002368
        + t
        * (
            0.37409196
            + t
            * (
                0.09678418
                + t
                * (
                    -0.18628806
                    + t
                    * (
                        0.27886807
                        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                    )
                )
            )
        )
    )
    erfc = t * np.exp(-z * z + poly)
    return np.where(v >= 0, 1 - erfc, erfc - 1).astype(v.dtype, copy=False)


def exponential(x):
    """`exp(x)`."""
    from minikeras.ops.numpy import exp

    return exp(x)


def linear(x):
    """Identity."""
    return x


def softmax(x, axis=-1):
    """Softmax along `axis` (max-subtracted for stability)."""
    x = _float_input(x)
    xv, xn = unwrap(x)
    out = _softmax_value(np.asarray(xv), axis)
    if xn is None:
        return out

    def vjp(g):
        return kernels.softmax_vjp(g, xv, out, axis)

    t = _SoftmaxTensor(out, (xn,), (vjp,), logits=xv, parent=xn, axis=axis)
    t.op = ("softmax", (xn, axis))
    return t


def log_softmax(x, axis=-1):
    """`log(softmax(x))`, computed stably."""
    x = _float_input(x)
    xv, xn = unwrap(x)
    out = kernels.log_softmax_value(xv, axis)
    if xn is None:
        return out
    t = Tensor(out, (xn,), (lambda g: g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),))
    t.op = ("log_softmax", (xn, axis))
    return t


# ----------------------------------------------------------------------------- crossentropies


def _eps():
    return config.epsilon()


def _target_like(target, output_value):
    """The target as an array of the output's float dtype (Keras casts `y_true` too)."""
    t = np.asarray(value_of(target))
    dtype = np.asarray(output_value).dtype
    return t.astype(dtype) if dtype.kind == "f" and t.dtype != dtype else t


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (no reduction), Keras semantics.

    Probabilities are clipped to `[eps, 1 - eps]`. When `output` is a recorded
    sigmoid, the gradient with respect to its logits is the fused `p - y`
    wherever clipping is inactive.
    """
    ov, on = unwrap(output)
    t = _target_like(target, ov)
    shape = np.shape(ov)  # `target` may broadcast against `output`; grads sum back to it
    if from_logits:
        z = np.asarray(ov)
        out = kernels.binary_crossentropy_logits_value(t, z)
        if on is None:
            return out
        return Tensor(
            out,
            (on,),
            (lambda g: unbroadcast(kernels.binary_crossentropy_logits_vjp(g, t, z), shape),),
        )
    eps = _eps()
    p = _clip_probs(ov, eps)
    out = kernels.binary_crossentropy_value(t, p).astype(np.asarray(ov).dtype, copy=False)
    if on is None:
        return out
    active = (ov > eps) & (ov < 1 - eps)
    if isinstance(on, _SigmoidTensor):
        logits_parent = on.parent
        return Tensor(
            out,
            (logits_parent,),
            (
                lambda g: unbroadcast(
                    kernels.binary_crossentropy_sigmoid_vjp(g, t, ov, active), shape
                ),
            ),
        )
    return Tensor(
        out,
        (on,),
        (lambda g: unbroadcast(kernels.binary_crossentropy_vjp(g, t, p, active), shape),),
    )


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy over `axis` (no batch reduction), Keras semantics.

    Without logits, `output` is renormalised to sum to 1 and clipped to
    `[eps, 1 - eps]` as Keras does.
    """
    ov, on = unwrap(output)
    t = _target_like(target, ov)
    if t.shape != np.shape(ov):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={t.shape}, output.shape={np.shape(ov)}"
        )
    if from_logits:
        z = np.asarray(ov)
        lsm = kernels.log_softmax_value(z, axis)
        out = -np.sum(t * lsm, axis=axis)
        if on is None:
            return out
        return Tensor(
            out,
            (on,),
            (
                lambda g: kernels.categorical_crossentropy_logits_vjp(
                    np.expand_dims(g, axis), t, lsm, axis
                ),
            ),
        )
    eps = _eps()
    out, parts = kernels.categorical_crossentropy_parts(t, ov, eps, axis)
    if on is None:
        return out
    q = parts[1]
    active = (q > eps) & (q < 1 - eps)
    nd = np.ndim(ov)
    if isinstance(on, _SoftmaxTensor) and on.axis % nd == axis % nd and bool(np.all(active)):
        return Tensor(
            out,
            (on.parent,),
            (
                lambda g: kernels.categorical_crossentropy_softmax_vjp(
                    np.expand_dims(g, axis), t, ov, axis
                ),
            ),
        )

    def vjp(g):
        return kernels.categorical_crossentropy_vjp(np.expand_dims(g, axis), t, parts, active, axis)

    return Tensor(out, (on,), (vjp,))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy with integer class labels (no batch reduction), Keras semantics."""
    ov = np.asarray(value_of(output))
    return categorical_crossentropy(_sparse_one_hot(target, ov, axis), output, from_logits, axis)


def _sparse_one_hot(target, ov: np.ndarray, axis=-1) -> np.ndarray:
    """Integer labels as one-hot rows of `ov`'s dtype, with Keras's shape and range checks."""
    t = np.asarray(value_of(target))
    if t.ndim == ov.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    if t.ndim != ov.ndim - 1 or t.shape != ov.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={np.shape(value_of(target))}, output.shape={ov.shape}"
        )
    idx = t.astype(np.intp)
    n = ov.shape[axis]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(
            f"Received a label value of {int(idx.max()) if idx.max() >= n else int(idx.min())} "
            f"which is outside the valid range of [0, {n}). Labels must be integer class "
            "indices; one-hot labels need `categorical_crossentropy`."
        )
    from minikeras.ops.core import one_hot

    return one_hot(idx, n, dtype=ov.dtype)


def moments(x, axes, keepdims=False):
    """Mean and variance of `x` over `axes`."""
    from minikeras.ops.numpy import mean, var

    return mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    """Divides `x` by its `order`-norm along `axis`."""
    from minikeras.ops.numpy import divide, maximum, sqrt, square, sum

    eps = 1e-12 if epsilon is None else epsilon
    if order != 2:
        raise ValueError(f"Only order=2 is supported. Received: order={order}")
    return divide(x, sqrt(maximum(sum(square(x), axis=axis, keepdims=True), eps)))


# ----------------------------------------------------------------------------- fused dense


def dense(x, kernel, bias=None, activation=None):
    """`activation(x @ kernel + bias)` as one recorded node for the affine part.

    The affine VJP is hand-written: `dx = g @ kernel.T`, `dkernel = x.T @ g`,
    `dbias = sum(g)`, with inputs of rank > 2 folded into a matrix.
    """
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    bv, bn = unwrap(bias) if bias is not None else (None, None)
    xv = np.asarray(xv)
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    d, u = kv.shape
    rows = xv.size // d if d else 0
    prepare_product(rows, d, u)
    out = np.matmul(xv, kv)
    if bv is not None:
        out += bv
    if xn is None and kn is None and bn is None:
        return out if activation is None else activation(out)

    def vjp_x(g):
        prepare_product(rows, u, d)
        return np.matmul(g, kv.T)

    def vjp_k(g):
        prepare_product(d, rows, u)
        if xv.ndim == 2:
            return xv.T @ g
        return xv.reshape(-1, d).T @ g.reshape(-1, u)

    def vjp_b(g):
        return g.sum(axis=0) if g.ndim == 2 else g.reshape(-1, u).sum(axis=0)

    parents, vjps = [], []
    for node, vjp in ((xn, vjp_x), (kn, vjp_k), (bn, vjp_b)):
        if node is not None:
            parents.append(node)
            vjps.append(vjp)
    y = Tensor(out, tuple(parents), tuple(vjps))
    y.op = ("dense", (xv if xn is None else xn, kv if kn is None else kn, bv if bn is None else bn))
    return y if activation is None else activation(y)
