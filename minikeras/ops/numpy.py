"""NumPy-style ops, each with its gradient rule (VJP) next to it.

Every op accepts arrays, Python scalars, `Variable`s and tape `Tensor`s, and
returns a plain `np.ndarray` unless a gradient has to flow through it.
"""

from __future__ import annotations

import builtins
import functools
import math

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, record, unbroadcast, unwrap, value_of
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops import kernels

# ----------------------------------------------------------------------------- helpers


def _shape(x) -> tuple:
    return np.shape(x)


def _binary(a, b, fn, vjp_a, vjp_b):
    av, an = unwrap(a)
    bv, bn = unwrap(b)
    if type(av) is np.ndarray and type(bv) is np.ndarray and av.dtype != bv.dtype:
        av, bv = _keras_promoted(fn, av, bv)
    out = fn(av, bv)
    if an is None and bn is None:
        return out
    t = record(
        out,
        (an, lambda g: unbroadcast(vjp_a(g, av, bv, out), _shape(av))),
        (bn, lambda g: unbroadcast(vjp_b(g, av, bv, out), _shape(bv))),
    )
    t.op = (fn, (av if an is None else an, bv if bn is None else bn))
    return t


_ARITHMETIC = frozenset(
    [np.add, np.subtract, np.multiply, np.true_divide, np.maximum, np.minimum, np.power]
)


def _keras_promoted(fn, av: np.ndarray, bv: np.ndarray):
    """Arithmetic between an integer (or boolean) array and a float array is done in the
    float array's dtype, as Keras promotes them; NumPy would give float64 for int32 with
    float32, which then spreads through a model."""
    if fn in _ARITHMETIC:
        ka, kb = av.dtype.kind, bv.dtype.kind
        if ka == "f" and kb in "biu":
            return av, bv.astype(av.dtype)
        if kb == "f" and ka in "biu":
            return av.astype(bv.dtype), bv
    return av, bv


def _unary(x, fn, vjp):
    xv, xn = unwrap(x)
    out = fn(xv)
    if xn is None:
        return out
    t = Tensor(out, (xn,), (lambda g: vjp(g, xv, out),))
    t.op = (fn, (xn,))
    return t


def _float_input(x):
    """`x`, with integer and boolean arrays as `floatx()` ones: the ops whose results are
    fractions (`exp`, `sqrt`, `mean`, activations, ...) compute them in floats, as Keras
    promotes integers, where NumPy would give float64 (or truncate, with `out=`)."""
    v = value_of(x)
    kind = v.dtype.kind if isinstance(v, np.ndarray) else np.asarray(v).dtype.kind
    if kind in "biu":
        return np.asarray(v, dtype=config.floatx())
    return x


def _float_unary(x, fn, vjp):
    """`_unary` for an op with a fractional result: integer inputs become floats first."""
    return _unary(_float_input(x), fn, vjp)


def _norm_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        return tuple(a % ndim for a in axis)
    return (axis % ndim,)


def _spread_scalar(g, shape):
    """A 0-d gradient over `shape`: a small filled array, or a broadcast view when large."""
    if math.prod(shape) <= 4096:
        return np.full(shape, g)
    return np.broadcast_to(g, shape)


def _expand_reduced(g, shape, axis, keepdims):
    """Reshapes a reduced gradient so that it broadcasts back over `shape`."""
    if keepdims or axis is None and np.ndim(g) == 0:
        return _spread_scalar(g, shape) if np.ndim(g) == 0 else g
    axes = _norm_axis(axis, len(shape))
    kept = [1 if i in axes else n for i, n in enumerate(shape)]
    return np.reshape(g, kept)


# ----------------------------------------------------------------------------- arithmetic


def add(x1, x2):
    """Element-wise `x1 + x2` with broadcasting."""
    return _binary(x1, x2, np.add, lambda g, a, b, o: g, lambda g, a, b, o: g)


def subtract(x1, x2):
    """Element-wise `x1 - x2`."""
    return _binary(x1, x2, np.subtract, lambda g, a, b, o: g, lambda g, a, b, o: -g)


def multiply(x1, x2):
    """Element-wise `x1 * x2`."""
    return _binary(x1, x2, np.multiply, lambda g, a, b, o: g * b, lambda g, a, b, o: g * a)


def divide(x1, x2):
    """Element-wise true division `x1 / x2`."""
    return _binary(x1, x2, np.true_divide, lambda g, a, b, o: g / b, lambda g, a, b, o: -g * o / b)


true_divide = divide


def power(x1, x2):
    """Element-wise `x1 ** x2`."""

    def vjp_base(g, a, b, o):
        return g * b * np.power(a, b - 1) if not np.isscalar(b) or b != 0 else g * 0

    def vjp_exp(g, a, b, o):
        safe = np.where(np.asarray(a) > 0, a, 1)
        return g * o * np.log(safe)

    return _binary(x1, x2, np.power, vjp_base, vjp_exp)


def negative(x):
    """Element-wise `-x`."""
    return _unary(x, np.negative, lambda g, x, o: -g)


def maximum(x1, x2):
    """Element-wise maximum; the gradient goes to the larger input (ties: the first)."""
    return _binary(
        x1,
        x2,
        np.maximum,
        lambda g, a, b, o: g * (a >= b),
        lambda g, a, b, o: g * (a < b),
    )


def minimum(x1, x2):
    """Element-wise minimum; the gradient goes to the smaller input (ties: the first)."""
    return _binary(
        x1,
        x2,
        np.minimum,
        lambda g, a, b, o: g * (a <= b),
        lambda g, a, b, o: g * (a > b),
    )


def _matmul_macs(a_shape, b_shape) -> int:
    """Multiply-adds of one of the products `np.matmul` makes (BLAS runs them one by one)."""
    if len(a_shape) < 1 or len(b_shape) < 1:
        return 0
    m = a_shape[-2] if len(a_shape) > 1 else 1
    n = b_shape[-1] if len(b_shape) > 1 else 1
    return m * a_shape[-1] * n


def matmul(x1, x2):
    """Matrix product of two arrays (NumPy `@` semantics, batched)."""
    av, an = unwrap(x1)
    bv, bn = unwrap(x2)
    macs = _matmul_macs(np.shape(av), np.shape(bv))
    prepare_product(macs, 1, 1)
    out = np.matmul(av, bv)
    if an is None and bn is None:
        return out

    def vjp_a(g):
        prepare_product(macs, 1, 1)
        if bv.ndim == 1:
            return unbroadcast(np.multiply.outer(g, bv), av.shape)
        if av.ndim == 1:
            return unbroadcast(
                np.matmul(g[..., None, :], np.swapaxes(bv, -1, -2))[..., 0, :], av.shape
            )
        return unbroadcast(np.matmul(g, np.swapaxes(bv, -1, -2)), av.shape)

    def vjp_b(g):
        prepare_product(macs, 1, 1)
        if av.ndim == 1:
            return unbroadcast(np.multiply.outer(av, g), bv.shape)
        if bv.ndim == 1:
            return unbroadcast(np.matmul(np.swapaxes(av, -1, -2), g[..., None])[..., 0], bv.shape)
        if av.ndim == 2 and g.ndim == 2:
            return av.T @ g
        return unbroadcast(np.matmul(np.swapaxes(av, -1, -2), g), bv.shape)

    t = record(out, (an, vjp_a), (bn, vjp_b))
    t.op = ("matmul", (av if an is None else an, bv if bn is None else bn))
    return t


def dot(x1, x2):
    """Dot product with `np.dot`'s semantics, as Keras 3: a scalar operand multiplies; a
    1-D or 2-D `x2` is a matrix product; otherwise the last axis of `x1` is contracted
    with the second-to-last of `x2`."""
    n1, n2 = np.ndim(unwrap(x1)[0]), np.ndim(unwrap(x2)[0])
    if n1 == 0 or n2 == 0:
        return multiply(x1, x2)
    if n2 <= 2:
        return matmul(x1, x2)
    return tensordot(x1, x2, axes=([-1], [-2]))


def tensordot(x1, x2, axes=2):
    """Tensor contraction over `axes` (as `np.tensordot`)."""
    av, an = unwrap(x1)
    bv, bn = unwrap(x2)
    out = np.tensordot(av, bv, axes)
    if an is None and bn is None:
        return out
    if isinstance(axes, int):
        ax_a = list(range(av.ndim - axes, av.ndim))
        ax_b = list(range(axes))
    else:
        ax_a = [a % av.ndim for a in np.atleast_1d(axes[0])]
        ax_b = [b % bv.ndim for b in np.atleast_1d(axes[1])]
    free_a = [i for i in range(av.ndim) if i not in ax_a]
    free_b = [i for i in range(bv.ndim) if i not in ax_b]

    # Contracting g with one operand leaves the other's contracted axes in
    # ascending order; map each back to its partner axis before transposing.
    def vjp_a(g):
        nfa = len(free_a)
        ga = np.tensordot(g, bv, axes=(list(range(nfa, g.ndim)), free_b))
        perm = free_a + [ax_a[ax_b.index(b)] for b in sorted(ax_b)]
        return np.transpose(ga, np.argsort(perm))

    def vjp_b(g):
        nfa = len(free_a)
        gb = np.tensordot(av, g, axes=(free_a, list(range(nfa))))
        perm = [ax_b[ax_a.index(a)] for a in sorted(ax_a)] + free_b
        return np.transpose(gb, np.argsort(perm))

    return record(out, (an, vjp_a), (bn, vjp_b))


def einsum(subscripts, *operands):
    """Einstein summation, differentiable for any number of operands.

    Each operand's VJP is itself an einsum of the output gradient with the
    other operands; indices repeated inside one operand (diagonals, traces)
    scatter the gradient back onto that diagonal. Ellipses are not supported
    for gradients.
    """
    vals = [unwrap(o) for o in operands]
    # `optimize` lets two-operand contractions run as BLAS products (tensordot).
    out = np.einsum(subscripts, *[v for v, _ in vals], optimize=len(vals) == 2)
    if all(n is None for _, n in vals):
        return out
    spec = subscripts.replace(" ", "")
    if "..." in spec:
        raise NotImplementedError("Gradients of `einsum` with an ellipsis ('...').")
    if "->" in spec:
        ins, out_sub = spec.split("->")
    else:  # implicit mode: the letters used once, in alphabetical order
        ins = spec
        letters = ins.replace(",", "")
        out_sub = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    in_subs = ins.split(",")
    links = []
    for i, (_, node) in enumerate(vals):
        others = [vals[j][0] for j in range(len(vals)) if j != i]
        other_subs = [in_subs[j] for j in range(len(vals)) if j != i]
        links.append(
            (
                node,
                functools.partial(
                    _einsum_vjp,
                    target=in_subs[i],
                    out_sub=out_sub,
                    other_subs=other_subs,
                    others=others,
                    shape=np.shape(vals[i][0]),
                ),
            )
        )
    return record(out, *links)


def _einsum_vjp(g, target, out_sub, other_subs, others, shape):
    uniq = "".join(dict.fromkeys(target))
    avail = out_sub + "".join(other_subs)
    present = "".join(c for c in uniq if c in avail)
    r = np.einsum(
        ",".join([out_sub, *other_subs]) + "->" + present, g, *others, optimize=len(others) == 1
    )
    if present == target:
        return r
    sizes = {c: shape[k] for k, c in enumerate(target)}
    # Letters summed only inside this operand get the gradient broadcast along them.
    r = np.broadcast_to(
        r.reshape([sizes[c] if c in present else 1 for c in uniq]), [sizes[c] for c in uniq]
    )
    if uniq == target:
        return np.array(r)
    full = np.zeros(shape, dtype=r.dtype)  # repeated letters: write onto the diagonal
    grids = np.indices([sizes[c] for c in uniq], sparse=True)
    full[tuple(grids[uniq.index(c)] for c in target)] = r
    return full


def abs(x):  # noqa: A001 - Keras name
    """Element-wise absolute value."""
    return _unary(x, np.abs, lambda g, x, o: g * np.sign(x))


absolute = abs


def sign(x):
    """Element-wise sign (no gradient)."""
    return np.sign(value_of(x))


def square(x):
    """Element-wise square."""
    return _unary(x, np.square, lambda g, x, o: g * 2 * x)


def sqrt(x):
    """Element-wise square root."""
    return _float_unary(x, np.sqrt, lambda g, x, o: g * 0.5 / o)


def exp(x):
    """Element-wise exponential."""
    return _float_unary(x, np.exp, lambda g, x, o: g * o)


def log(x):
    """Element-wise natural logarithm."""
    return _float_unary(x, np.log, lambda g, x, o: g / x)


def log1p(x):
    """Element-wise `log(1 + x)`."""
    return _float_unary(x, np.log1p, lambda g, x, o: g / (1 + x))


def expm1(x):
    """Element-wise `exp(x) - 1`."""
    return _float_unary(x, np.expm1, lambda g, x, o: g * (o + 1))


def sin(x):
    """Element-wise sine."""
    return _float_unary(x, np.sin, lambda g, x, o: g * np.cos(x))


def cos(x):
    """Element-wise cosine."""
    return _float_unary(x, np.cos, lambda g, x, o: -g * np.sin(x))


def tanh(x):
    """Element-wise hyperbolic tangent."""
    return _float_unary(x, np.tanh, kernels.tanh_vjp)


def reciprocal(x):
    """Element-wise `1 / x`."""
    return _unary(x, np.reciprocal, lambda g, x, o: -g * o * o)


def clip(x, x_min, x_max):
    """Clips values to `[x_min, x_max]`; zero gradient outside the interval."""
    xv, xn = unwrap(x)
    lo, _ = unwrap(x_min)
    hi, _ = unwrap(x_max)
    # Scalar bounds as Python numbers, which NumPy treats as weak: float32 stays float32
    # (an int64 0-d array, as `tf.constant(2)` gives, would make the result float64).
    lo = lo.item() if isinstance(lo, (np.ndarray, np.generic)) and lo.ndim == 0 else lo
    hi = hi.item() if isinstance(hi, (np.ndarray, np.generic)) and hi.ndim == 0 else hi
    out = np.clip(xv, lo, hi)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: g * ((xv >= lo) & (xv <= hi)),))


def where(condition, x1=None, x2=None):
    """Picks from `x1` where `condition` holds, else from `x2`."""
    cond = value_of(condition).astype(bool)
    if x1 is None and x2 is None:
        return np.nonzero(cond)
    t = _binary(
        x1,
        x2,
        lambda a, b: np.where(cond, a, b),
        lambda g, a, b, o: np.where(cond, g, 0).astype(g.dtype),
        lambda g, a, b, o: np.where(cond, 0, g).astype(g.dtype),
    )
    if type(t) is Tensor:
        t.op = ("where", (*t.op[1], cond))
    return t


# ----------------------------------------------------------------------------- comparisons


def _compare(fn):
    def op(x1, x2):
        return fn(value_of(x1), value_of(x2))

    op.__name__ = fn.__name__
    op.__doc__ = f"Element-wise `{fn.__name__}` (boolean result, no gradient)."
    return op


equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
less = _compare(np.less)
less_equal = _compare(np.less_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)


def logical_not(x):
    """Element-wise logical NOT (no gradient)."""
    return np.logical_not(value_of(x))


def isnan(x):
    """Element-wise NaN test."""
    return np.isnan(value_of(x))


def isfinite(x):
    """Element-wise finiteness test."""
    return np.isfinite(value_of(x))


# ----------------------------------------------------------------------------- reductions


def _broadcast_back(g, shape):
    """`np.broadcast_to(g, shape)`, skipping the (slow) call when shapes already match."""
    return g if np.shape(g) == shape else np.broadcast_to(g, shape)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Sum over `axis` (all axes when None)."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    xv, xn = unwrap(x)
    # `np.sum` on an ndarray is `np.add.reduce` behind a Python wrapper.
    if type(xv) is np.ndarray:
        out = np.add.reduce(xv, axis=axis, keepdims=keepdims)
    else:
        out = np.sum(xv, axis=axis, keepdims=keepdims)
    if xn is None:
        return out
    shape = xv.shape
    t = Tensor(
        out, (xn,), (lambda g: _broadcast_back(_expand_reduced(g, shape, axis, keepdims), shape),)
    )
    t.op = ("sum", (xn, axis, keepdims))
    return t


def _mean_value(xv, axis, keepdims):
    """`np.mean` of a float32/float64 array as an array, without `np.mean`'s overhead.

    `np.mean` divides the float sum by an `intp` count in float64 and rounds back;
    dividing in the array's own dtype gives the same bits (double rounding is
    innocuous for division) as long as the count is exact in that dtype.
    """
    if type(xv) is np.ndarray and xv.dtype.char in "fd":
        shape = xv.shape
        axes = range(len(shape)) if axis is None else _norm_axis(axis, len(shape))
        count = math.prod(shape[a] for a in axes)
        if 0 < count < (1 << 24 if xv.dtype.char == "f" else 1 << 53):
            ret = np.add.reduce(xv, axis=axis, keepdims=True)
            np.true_divide(ret, count, out=ret)
            if keepdims:
                return ret
            return ret.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))
    return np.mean(xv, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (all axes when None)."""
    x = _float_input(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    xv, xn = unwrap(x)
    out = _mean_value(xv, axis, keepdims)
    if np.ndim(out) == 0 and xv.dtype.kind == "f":
        out = np.asarray(out, dtype=xv.dtype)
    if xn is None:
        return out
    shape = xv.shape
    count = builtins.max(1, math.prod(shape[a] for a in _norm_axis(axis, len(shape))))

    def vjp(g):
        return _broadcast_back(_expand_reduced(g / count, shape, axis, keepdims), shape)

    t = Tensor(out, (xn,), (vjp,))
    t.op = ("mean", (xn, axis, keepdims))
    return t


def var(x, axis=None, keepdims=False):
    """Population variance over `axis`."""
    x = _float_input(x)
    m = mean(x, axis=axis, keepdims=True)
    return mean(square(subtract(x, m)), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over `axis`.

    The gradient is `(x - mean) / (n * std)`, taken as 0 where the standard deviation is
    0 (a constant slice), so constant inputs never produce inf/NaN gradients.
    """
    x = _float_input(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    xv, xn = unwrap(x)
    out = np.std(xv, axis=axis, keepdims=keepdims)
    if xn is None:
        return out
    shape = xv.shape

    def vjp(g):
        o = np.asarray(_expand_reduced(out, shape, axis, keepdims))
        count = xv.size // builtins.max(np.size(out), 1)  # elements per reduced slice
        scale = np.divide(1.0, o * count, out=np.zeros_like(o), where=o > 0)
        centred = xv - np.mean(xv, axis=axis, keepdims=True)
        return (_expand_reduced(g, shape, axis, keepdims) * centred * scale).astype(
            xv.dtype, copy=False
        )

    return Tensor(out, (xn,), (vjp,))


def _extreme(np_fn):
    def op(x, axis=None, keepdims=False, initial=None):
        axis = tuple(axis) if isinstance(axis, list) else axis
        xv, xn = unwrap(x)
        out = np_fn(xv, axis=axis, keepdims=keepdims)
        if xn is None:
            return out
        shape = xv.shape

        def vjp(g):
            o = _expand_reduced(out, shape, axis, keepdims)
            mask = xv == o
            counts = np.sum(mask, axis=axis, keepdims=True)
            share = (mask / counts).astype(g.dtype, copy=False)  # ties split the gradient
            return np.broadcast_to(_expand_reduced(g, shape, axis, keepdims), shape) * share

        return Tensor(out, (xn,), (vjp,))

    return op


max = _extreme(np.max)  # noqa: A001 - Keras name
min = _extreme(np.min)  # noqa: A001 - Keras name
amax = max
amin = min


def prod(x, axis=None, keepdims=False):
    """Product over `axis`; the gradient is exact where entries are zero too."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    xv, xn = unwrap(x)
    out = np.prod(xv, axis=axis, keepdims=keepdims)
    if xn is None:
        return out
    shape = xv.shape

    def vjp(g):
        # d out / d x_i = product of the other entries, without dividing by x_i.
        zero = xv == 0
        nonzero = np.where(zero, 1, xv)
        p_nz = np.prod(nonzero, axis=axis, keepdims=True)
        n_zero = np.sum(zero, axis=axis, keepdims=True)
        local = np.where(n_zero == 0, p_nz / nonzero, np.where((n_zero == 1) & zero, p_nz, 0))
        return np.broadcast_to(_expand_reduced(g, shape, axis, keepdims), shape) * local

    return Tensor(out, (xn,), (vjp,))


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably."""
    x = _float_input(x)
    xv, xn = unwrap(x)
    m = np.max(xv, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.sum(np.exp(xv - m), axis=axis, keepdims=True)
    out_k = np.log(s) + m
    out = out_k if keepdims else np.squeeze(out_k, axis=axis)
    if xn is None:
        return out
    shape = xv.shape
    return Tensor(
        out, (xn,), (lambda g: _expand_reduced(g, shape, axis, keepdims) * np.exp(xv - out_k),)
    )


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value along `axis`; over the flattened array when `axis` is
    None, as in Keras 3 (no gradient)."""
    return np.argmax(value_of(x), axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value along `axis`; over the flattened array when `axis` is
    None, as in Keras 3 (no gradient)."""
    return np.argmin(value_of(x), axis=axis, keepdims=keepdims)


def argsort(x, axis=-1):
    """Indices that sort `x` along `axis` (no gradient)."""
    return np.argsort(value_of(x), axis=axis)


def cumsum(x, axis=None):
    """Cumulative sum along `axis`."""
    xv, xn = unwrap(x)
    out = np.cumsum(xv, axis=axis)
    if xn is None:
        return out
    if axis is None:
        return Tensor(out, (xn,), (lambda g: np.flip(np.cumsum(np.flip(g))).reshape(xv.shape),))
    return Tensor(out, (xn,), (lambda g: np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis),))


# ----------------------------------------------------------------------------- shapes


def reshape(x, newshape):
    """Gives `x` a new shape with the same data."""
    xv, xn = unwrap(x)
    out = np.reshape(xv, newshape)
    if xn is None:
        return out
    shape = xv.shape
    t = Tensor(out, (xn,), (lambda g: np.reshape(g, shape),))
    t.op = ("reshape", (xn,))
    return t


def transpose(x, axes=None):
    """Permutes the axes of `x` (reverses them when `axes` is None)."""
    xv, xn = unwrap(x)
    out = np.transpose(xv, axes)
    if xn is None:
        return out
    inv = None if axes is None else np.argsort(axes)
    t = Tensor(out, (xn,), (lambda g: np.transpose(g, inv),))
    t.op = ("transpose", (xn, inv))
    return t


def swapaxes(x, axis1, axis2):
    """Swaps two axes."""
    perm = list(range(np.ndim(value_of(x))))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return transpose(x, perm)


def moveaxis(x, source, destination):
    """Moves an axis to a new position."""
    nd = np.ndim(value_of(x))
    src = [int(a) % nd for a in np.atleast_1d(source)]
    dst = [int(a) % nd for a in np.atleast_1d(destination)]
    if len(src) != len(dst):
        raise ValueError(
            "`source` and `destination` must have the same number of axes. "
            f"Received: source={source}, destination={destination}"
        )
    perm = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return transpose(x, perm)


def expand_dims(x, axis):
    """Inserts a size-1 axis at `axis`."""
    xv = value_of(x)
    return reshape(x, np.expand_dims(xv, axis).shape)


def squeeze(x, axis=None):
    """Removes size-1 axes."""
    xv = value_of(x)
    return reshape(x, np.squeeze(xv, axis).shape)


def ravel(x):
    """Flattens to 1-D."""
    return reshape(x, (-1,))


def broadcast_to(x, shape):
    """Broadcasts `x` to `shape`."""
    xv, xn = unwrap(x)
    out = np.broadcast_to(xv, shape)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: unbroadcast(g, np.shape(xv)),))


def tile(x, repeats):
    """Repeats `x` along each axis."""
    xv, xn = unwrap(x)
    out = np.tile(xv, repeats)
    if xn is None:
        return out
    reps = (1,) * (out.ndim - len(np.atleast_1d(repeats))) + tuple(np.atleast_1d(repeats))
    shape = (1,) * (out.ndim - xv.ndim) + xv.shape

    def vjp(g):
        split = []
        for r, n in zip(reps, shape):
            split.extend([r, n])
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(xv.shape)

    return Tensor(out, (xn,), (vjp,))


def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times (an int, or one count per element) along `axis`."""
    xv, xn = unwrap(x)
    reps = value_of(repeats) if not isinstance(repeats, int) else repeats
    out = np.repeat(xv, reps, axis=axis)
    if xn is None:
        return out
    src_shape = (xv.size,) if axis is None else xv.shape
    ax = 0 if axis is None else axis % xv.ndim
    # Output position j along `ax` came from source index owner[j]; scatter-add back.
    owner = np.repeat(np.arange(src_shape[ax]), reps)

    def vjp(g):
        full = np.zeros(src_shape, dtype=g.dtype)
        np.add.at(np.moveaxis(full, ax, 0), owner, np.moveaxis(g, ax, 0))
        return full.reshape(xv.shape)

    return Tensor(out, (xn,), (vjp,))


def concatenate(xs, axis=0):
    """Joins arrays along an existing axis."""
    pairs = [unwrap(x) for x in xs]
    vals = [v for v, _ in pairs]
    out = np.concatenate(vals, axis=axis)
    if all(n is None for _, n in pairs):
        return out
    bounds = np.cumsum([v.shape[axis] for v in vals])[:-1]
    links = []
    for i, (_, n) in enumerate(pairs):
        links.append((n, lambda g, i=i: np.split(g, bounds, axis=axis)[i]))
    return record(out, *links)


def stack(xs, axis=0):
    """Joins arrays along a new axis."""
    pairs = [unwrap(x) for x in xs]
    out = np.stack([v for v, _ in pairs], axis=axis)
    if all(n is None for _, n in pairs):
        return out
    links = [(n, lambda g, i=i: np.take(g, i, axis=axis)) for i, (_, n) in enumerate(pairs)]
    return record(out, *links)


def split(x, indices_or_sections, axis=0):
    """Splits `x` into several arrays along `axis`."""
    xv = value_of(x)
    n = xv.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of size {n} does not split into {indices_or_sections} "
                "equal sections; pass a list of split indices instead."
            )
        size = n // indices_or_sections
        bounds = list(range(size, n, size))[: indices_or_sections - 1]
    else:
        bounds = list(indices_or_sections)
    starts = [0, *bounds]
    ends = [*bounds, n]
    out = []
    for s, e in zip(starts, ends):
        idx = [slice(None)] * xv.ndim
        idx[axis] = slice(s, e)
        out.append(getitem(x, tuple(idx)))
    return out


def unstack(x, num=None, axis=0):
    """Splits `x` along `axis` into a list of arrays without that axis."""
    n = value_of(x).shape[axis]
    return [take(x, i, axis=axis) for i in range(n)]


def getitem(x, key):
    """`x[key]` with a gradient that scatters back into the right places."""
    xv, xn = unwrap(x)
    if isinstance(key, Tensor):
        key = key.value
    out = xv[key]
    if xn is None:
        return out

    def vjp(g):
        full = np.zeros(xv.shape, dtype=g.dtype)
        np.add.at(full, key, g)
        return full

    t = Tensor(out, (xn,), (vjp,))
    t.op = ("getitem", (xn, key))
    return t


def take(x, indices, axis=None):
    """Gathers entries of `x` at integer `indices` along `axis`."""
    xv, xn = unwrap(x)
    idx = value_of(indices).astype(np.intp, copy=False)
    out = np.take(xv, idx, axis=axis)
    if xn is None:
        return out

    def vjp(g):
        full = np.zeros(xv.shape if axis is not None else xv.size, dtype=g.dtype)
        if axis is None:
            np.add.at(full, idx.reshape(-1), g.reshape(-1))
            return full.reshape(xv.shape)
        ax = axis % xv.ndim
        moved = np.moveaxis(full, ax, 0)
        gm = np.moveaxis(g, list(range(ax, ax + idx.ndim)), list(range(idx.ndim)))
        np.add.at(moved, idx, gm)
        return full

    return Tensor(out, (xn,), (vjp,))


def take_along_axis(x, indices, axis=None):
    """`np.take_along_axis` with a scatter-add gradient."""
    xv, xn = unwrap(x)
    idx = value_of(indices).astype(np.intp, copy=False)
    out = np.take_along_axis(xv, idx, axis=axis)
    if xn is None:
        return out

    def vjp(g):
        full = np.zeros(xv.shape, dtype=g.dtype)
        np.put_along_axis(full, idx, 0, axis=axis)
        grid = list(np.indices(idx.shape, sparse=True))
        grid[axis % xv.ndim] = idx
        np.add.at(full, tuple(grid), g)
        return full

    return Tensor(out, (xn,), (vjp,))


def pad(x, pad_width, mode="constant", constant_values=0):
    """Pads `x`; differentiable for the constant, reflect, symmetric, edge and wrap modes."""
    xv, xn = unwrap(x)
    out = np.pad(
        xv,
        pad_width,
        mode=mode,
        **({"constant_values": constant_values} if mode == "constant" else {}),
    )
    if xn is None:
        return out
    if mode == "constant":
        pw = np.broadcast_to(np.asarray(pad_width), (xv.ndim, 2))
        sl = tuple(slice(int(a), int(a) + n) for (a, _), n in zip(pw, xv.shape))
        return Tensor(out, (xn,), (lambda g: g[sl],))
    if mode not in ("reflect", "symmetric", "edge", "wrap"):
        raise NotImplementedError(f"Gradient of pad with mode={mode!r}.")
    # Every output entry is a copy of one input entry: pad the flat indices the same way.
    source = np.pad(np.arange(xv.size).reshape(xv.shape), pad_width, mode=mode).ravel()

    def vjp(g):
        full = np.zeros(xv.size, dtype=g.dtype)
        np.add.at(full, source, g.ravel())
        return full.reshape(xv.shape)

    return Tensor(out, (xn,), (vjp,))


def flip(x, axis=None):
    """Reverses the order of elements along `axis`."""
    xv, xn = unwrap(x)
    out = np.flip(xv, axis)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: np.flip(g, axis),))


# ----------------------------------------------------------------------------- creation


def zeros(shape, dtype=None):
    """Array of zeros (`floatx` by default)."""
    from minikeras.backend.config import floatx

    return np.zeros(shape, dtype=dtype or floatx())


def ones(shape, dtype=None):
    """Array of ones (`floatx` by default)."""
    from minikeras.backend.config import floatx

    return np.ones(shape, dtype=dtype or floatx())


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of `x`."""
    return np.zeros_like(value_of(x), dtype=dtype)


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of `x`."""
    return np.ones_like(value_of(x), dtype=dtype)


def full(shape, fill_value, dtype=None):
    """Array filled with `fill_value`."""
    from minikeras.backend.config import floatx

    return np.full(shape, fill_value, dtype=dtype or floatx())


def eye(n, m=None, k=0, dtype=None):
    """Identity-like matrix."""
    from minikeras.backend.config import floatx

    return np.eye(n, m, k, dtype=dtype or floatx())


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in `[start, stop)`."""
    return np.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """Evenly spaced numbers over an interval."""
    return np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
