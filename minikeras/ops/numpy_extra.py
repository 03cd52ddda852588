"""More NumPy-style ops of `keras.ops`: trigonometry, rounding, sorting, triangles.

Each differentiable op has its gradient rule next to it, or is composed from
differentiable ops (then its gradient comes for free). Ops whose output is
piecewise constant (rounding, comparisons, counting) return plain arrays.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, unwrap, value_of
from minikeras.ops import numpy as _np_ops
from minikeras.ops.numpy import _binary, _float_unary, _unary

# ----------------------------------------------------------------------------- trigonometry


def tan(x):
    """Element-wise tangent."""
    return _float_unary(x, np.tan, lambda g, x, o: g * (1 + o * o))


def arcsin(x):
    """Element-wise inverse sine."""
    return _float_unary(x, np.arcsin, lambda g, x, o: g / np.sqrt(1 - x * x))


def arccos(x):
    """Element-wise inverse cosine."""
    return _float_unary(x, np.arccos, lambda g, x, o: -g / np.sqrt(1 - x * x))


def arctan(x):
    """Element-wise inverse tangent."""
    return _float_unary(x, np.arctan, lambda g, x, o: g / (1 + x * x))


def sinh(x):
    """Element-wise hyperbolic sine."""
    return _float_unary(x, np.sinh, lambda g, x, o: g * np.cosh(x))


def cosh(x):
    """Element-wise hyperbolic cosine."""
    return _float_unary(x, np.cosh, lambda g, x, o: g * np.sinh(x))


def arcsinh(x):
    """Element-wise inverse hyperbolic sine."""
    return _float_unary(x, np.arcsinh, lambda g, x, o: g / np.sqrt(x * x + 1))


def arccosh(x):
    """Element-wise inverse hyperbolic cosine (defined for `x >= 1`)."""
    return _float_unary(x, np.arccosh, lambda g, x, o: g / np.sqrt(x * x - 1))


def arctanh(x):
    """Element-wise inverse hyperbolic tangent (defined for `|x| < 1`)."""
    return _float_unary(x, np.arctanh, lambda g, x, o: g / (1 - x * x))


def arctan2(x1, x2):
    """Element-wise `arctan(x1 / x2)` choosing the quadrant correctly."""
    return _binary(
        x1,
        x2,
        np.arctan2,
        lambda g, a, b, o: g * b / (a * a + b * b),
        lambda g, a, b, o: -g * a / (a * a + b * b),
    )


# ----------------------------------------------------------------------------- logs and powers


def log2(x):
    """Element-wise base-2 logarithm."""
    return _float_unary(x, np.log2, lambda g, x, o: g / (x * math.log(2.0)))


def log10(x):
    """Element-wise base-10 logarithm."""
    return _float_unary(x, np.log10, lambda g, x, o: g / (x * math.log(10.0)))


def exp2(x):
    """Element-wise `2 ** x`."""
    return _float_unary(x, np.exp2, lambda g, x, o: g * o * math.log(2.0))


def logaddexp(x1, x2):
    """Element-wise `log(exp(x1) + exp(x2))`, computed stably."""
    return _binary(
        x1,
        x2,
        np.logaddexp,
        lambda g, a, b, o: g * np.exp(a - o),
        lambda g, a, b, o: g * np.exp(b - o),
    )


def hypot(x1, x2):
    """Element-wise `sqrt(x1**2 + x2**2)`."""
    return _binary(x1, x2, np.hypot, lambda g, a, b, o: g * a / o, lambda g, a, b, o: g * b / o)


def mod(x1, x2):
    """Element-wise remainder of division (sign of the divisor, as NumPy)."""
    return _binary(
        x1, x2, np.mod, lambda g, a, b, o: g, lambda g, a, b, o: -g * np.floor_divide(a, b)
    )


def divide_no_nan(x1, x2):
    """`x1 / x2`, with 0 wherever `x2 == 0`."""

    def fwd(a, b):
        safe = np.where(b == 0, 1, b)
        return np.where(b == 0, 0, a / safe).astype(np.result_type(a, b, np.float32))

    def safe_b(b):
        return np.where(b == 0, 1, b)

    return _binary(
        x1,
        x2,
        fwd,
        lambda g, a, b, o: np.where(b == 0, 0, g / safe_b(b)),
        lambda g, a, b, o: np.where(b == 0, 0, -g * o / safe_b(b)),
    )


def copy(x):
    """A copy of `x` (gradient passes through)."""
    return _unary(x, np.copy, lambda g, x, o: g)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities; the gradient flows only through finite entries."""
    return _unary(
        x,
        lambda v: np.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf),
        lambda g, x, o: g * np.isfinite(x),
    )


# ----------------------------------------------------------------------------- piecewise constant


def _no_grad(fn, doc):
    def op(x):  # one argument, as Keras: a second would be the ufunc's `out`
        return fn(value_of(x))

    op.__name__ = fn.__name__
    op.__doc__ = doc
    return op


floor = _no_grad(np.floor, "Element-wise floor (no gradient).")
ceil = _no_grad(np.ceil, "Element-wise ceiling (no gradient).")
trunc = _no_grad(np.trunc, "Element-wise truncation towards zero (no gradient).")
isinf = _no_grad(np.isinf, "Element-wise infinity test.")


def round(x, decimals=0):  # noqa: A001 - Keras name
    """Rounds half to even, as NumPy (no gradient)."""
    return np.round(value_of(x), decimals)


def floor_divide(x1, x2):
    """Element-wise floor division (no gradient)."""
    return np.floor_divide(value_of(x1), value_of(x2))


def logical_xor(x1, x2):
    """Element-wise logical XOR."""
    return np.logical_xor(value_of(x1), value_of(x2))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Element-wise closeness test (NumPy semantics)."""
    return np.isclose(value_of(x1), value_of(x2), rtol=rtol, atol=atol, equal_nan=equal_nan)


def all(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Logical AND over `axis`."""
    return np.all(value_of(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Logical OR over `axis`."""
    return np.any(value_of(x), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    """Number of non-zero entries over `axis`."""
    return np.count_nonzero(value_of(x), axis=_axis(axis))


def nonzero(x):
    """Indices of the non-zero entries, one array per axis."""
    return np.nonzero(value_of(x))


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts occurrences of each non-negative integer in 1-D `x`."""
    w = None if weights is None else value_of(weights)
    return np.bincount(np.asarray(value_of(x)).astype(np.intp), w, minlength)


def digitize(x, bins):
    """Index of the bin each value falls into (`np.digitize`, right-open bins)."""
    return np.digitize(value_of(x), np.asarray(value_of(bins)))


def searchsorted(sorted_sequence, values, side="left"):
    """Indices where `values` would be inserted to keep `sorted_sequence` sorted."""
    return np.searchsorted(value_of(sorted_sequence), value_of(values), side=side)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


# ----------------------------------------------------------------------------- creation


def full_like(x, fill_value, dtype=None):
    """Array shaped like `x` filled with `fill_value`."""
    return np.full_like(value_of(x), fill_value, dtype=dtype)


def empty(shape, dtype=None):
    """Array of zeros (NumPy's uninitialised memory is never exposed)."""
    return np.zeros(shape, dtype=dtype or config.floatx())


def identity(n, dtype=None):
    """The `n x n` identity matrix."""
    return np.identity(n, dtype=dtype or config.floatx())


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 - NumPy names
    """Lower-triangular matrix of ones."""
    return np.tri(N, M, k, dtype=dtype or config.floatx())


def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors."""
    return np.meshgrid(*[value_of(v) for v in x], indexing=indexing)


def array(x, dtype=None):
    """Creates an array (`floatx` for Python floats)."""
    from minikeras.ops.core import convert_to_tensor

    return convert_to_tensor(value_of(x) if not isinstance(x, Tensor) else x, dtype=dtype)


# ----------------------------------------------------------------------------- matrices


def _diag_index(shape, offset):
    n = builtins.min(shape[-2] - builtins.max(-offset, 0), shape[-1] - builtins.max(offset, 0))
    i = np.arange(builtins.max(n, 0))
    return i + builtins.max(-offset, 0), i + builtins.max(offset, 0)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """Diagonal of `x` over the plane `(axis1, axis2)`, appended as the last axis."""
    moved = _np_ops.moveaxis(x, (axis1, axis2), (-2, -1))
    mv, mn = unwrap(moved)
    rows, cols = _diag_index(mv.shape, offset)
    out = mv[..., rows, cols]
    if mn is None:
        return out
    shape = mv.shape

    def vjp(g):
        full = np.zeros(shape, dtype=g.dtype)
        full[..., rows, cols] = g
        return full

    return Tensor(out, (mn,), (vjp,))


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    return _np_ops.sum(diagonal(x, offset, axis1, axis2), axis=-1)


def diag(x, k=0):
    """Extracts a diagonal of a matrix, or builds a matrix from a 1-D diagonal."""
    xv, xn = unwrap(x)
    if np.ndim(xv) == 2:
        return diagonal(x, k)
    if np.ndim(xv) != 1:
        raise ValueError(f"`diag` expects a 1-D or 2-D input. Received: x.shape={np.shape(xv)}")
    out = np.diag(xv, k)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: np.diagonal(g, k).copy(),))


def _triangle(x, k, lower):
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    mask = np.tri(xv.shape[-2], xv.shape[-1], k, dtype=bool)
    if not lower:
        mask = ~np.tri(xv.shape[-2], xv.shape[-1], k - 1, dtype=bool)
    out = np.where(mask, xv, 0).astype(xv.dtype)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: np.where(mask, g, 0).astype(g.dtype),))


def tril(x, k=0):
    """Lower triangle of `x` (entries above the `k`-th diagonal zeroed)."""
    return _triangle(x, k, lower=True)


def triu(x, k=0):
    """Upper triangle of `x` (entries below the `k`-th diagonal zeroed)."""
    return _triangle(x, k, lower=False)


def outer(x1, x2):
    """Outer product of two vectors (inputs are flattened)."""
    return _np_ops.multiply(_np_ops.reshape(x1, (-1, 1)), _np_ops.reshape(x2, (1, -1)))


def inner(x1, x2):
    """Inner product over the last axes (a scalar operand multiplies, as `np.inner`)."""
    if np.ndim(value_of(x1)) == 0 or np.ndim(value_of(x2)) == 0:
        return _np_ops.multiply(x1, x2)
    return _np_ops.tensordot(x1, x2, axes=([-1], [-1]))


def vdot(x1, x2):
    """Dot product of the flattened inputs."""
    return _np_ops.sum(_np_ops.multiply(_np_ops.ravel(x1), _np_ops.ravel(x2)))


def cross(x1, x2, axis=-1):
    """Cross product of 3-vectors along `axis`."""

    def fwd(a, b):
        return np.cross(a, b, axis=axis)

    return _binary(
        x1,
        x2,
        fwd,
        lambda g, a, b, o: np.cross(np.broadcast_to(b, o.shape), g, axis=axis),
        lambda g, a, b, o: np.cross(g, np.broadcast_to(a, o.shape), axis=axis),
    )


# ----------------------------------------------------------------------------- joining / moving


def hstack(xs):
    """Stacks horizontally (along axis 1, or 0 for 1-D inputs)."""
    return _np_ops.concatenate(xs, axis=0 if np.ndim(value_of(xs[0])) == 1 else 1)


def vstack(xs):
    """Stacks vertically (rows); 1-D inputs become rows."""
    xs = [x if np.ndim(value_of(x)) > 1 else _np_ops.reshape(x, (1, -1)) for x in xs]
    return _np_ops.concatenate(xs, axis=0)


def append(x1, x2, axis=None):
    """Appends `x2` to `x1` (both flattened when `axis` is None)."""
    if axis is None:
        return _np_ops.concatenate([_np_ops.ravel(x1), _np_ops.ravel(x2)], axis=0)
    return _np_ops.concatenate([x1, x2], axis=axis)


def roll(x, shift, axis=None):
    """Rolls entries along `axis` (the flattened array when None)."""
    xv, xn = unwrap(x)
    out = np.roll(xv, shift, axis)
    if xn is None:
        return out
    neg = tuple(-s for s in shift) if isinstance(shift, (tuple, list)) else -shift
    return Tensor(out, (xn,), (lambda g: np.roll(g, neg, axis),))


def diff(a, n=1, axis=-1):
    """`n`-th discrete difference along `axis`."""
    nd = np.ndim(value_of(a))
    ax = axis % nd
    out = a
    for _ in range(n):
        hi = [slice(None)] * nd
        lo = [slice(None)] * nd
        hi[ax] = slice(1, None)
        lo[ax] = slice(None, -1)
        out = _np_ops.subtract(_np_ops.getitem(out, tuple(hi)), _np_ops.getitem(out, tuple(lo)))
    return out


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (the gradient assumes no zero entries)."""
    xv, xn = unwrap(x)
    out = np.cumprod(xv, axis=axis)
    if dtype is not None:
        out = out.astype(dtype)
    if xn is None:
        return out
    flat = axis is None
    ax = 0 if flat else axis

    def vjp(g):
        src = xv.reshape(-1) if flat else xv
        gp = (g * out).reshape(-1) if flat else g * out
        rev = np.flip(np.cumsum(np.flip(gp, ax), axis=ax), ax)
        return (rev / src).reshape(xv.shape)

    return Tensor(out, (xn,), (vjp,))


# ----------------------------------------------------------------------------- order statistics


def sort(x, axis=-1):
    """Sorts along `axis`; the gradient goes back to each value's original place."""
    order = np.argsort(value_of(x), axis=axis, kind="stable")
    return _np_ops.take_along_axis(x, order, axis=axis)


def average(x, axis=None, weights=None):
    """Weighted mean over `axis` (plain mean without `weights`)."""
    x = _np_ops._float_input(x)
    if weights is None:
        return _np_ops.mean(x, axis=axis)
    w = weights
    wv = np.asarray(value_of(w))
    if axis is not None and wv.ndim == 1 and np.ndim(value_of(x)) > 1:
        shape = [1] * np.ndim(value_of(x))
        shape[axis] = wv.shape[0]
        w = _np_ops.reshape(w, shape)
    num = _np_ops.sum(_np_ops.multiply(x, w), axis=axis)
    den = _np_ops.sum(_np_ops.multiply(_np_ops.ones_like(x), w), axis=axis)
    return _np_ops.divide(num, den)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """`q`-th quantile(s) over `axis` with linear interpolation (NumPy's default method)."""
    if method != "linear":
        raise ValueError(f"Only method='linear' is supported. Received: method={method}")
    x = _np_ops._float_input(x)
    if axis is None:
        x = _np_ops.ravel(x)
        ax = 0
    else:
        ax = axis % np.ndim(value_of(x))
    s = sort(x, axis=ax)
    n = np.shape(value_of(s))[ax]
    qs = np.atleast_1d(np.asarray(value_of(q), dtype=np.float64))
    if np.any((qs < 0) | (qs > 1)):
        raise ValueError(f"Quantiles must be in the range [0, 1]. Received: q={q}")
    outs = []
    for qq in qs:
        pos = qq * (n - 1)
        lo = int(np.floor(pos))
        hi = builtins.min(lo + 1, n - 1)
        frac = float(pos - lo)  # a Python float keeps the array's dtype (NumPy 2 rules)
        a = _np_ops.take(s, lo, axis=ax)
        b = _np_ops.take(s, hi, axis=ax)
        outs.append(_np_ops.add(a, _np_ops.multiply(_np_ops.subtract(b, a), frac)))
    out = outs[0] if np.ndim(value_of(q)) == 0 else _np_ops.stack(outs, axis=0)
    if keepdims:
        out = _np_ops.expand_dims(out, ax + (0 if np.ndim(value_of(q)) == 0 else 1))
    return out


def median(x, axis=None, keepdims=False):
    """Median over `axis`."""
    x = _np_ops._float_input(x)
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)
