"""`tf.math`: reductions, element-wise functions, arg-max/top-k and friends.

Differentiable functions are built from `minikeras.ops`, so gradients flow
through them on a `GradientTape`; results come back as `EagerTensor`s.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from minikeras import ops
from minikeras.tensorflow._convert import axis_arg, inp, missing, np_dtype, out, pair, val


def _keep_int(result, x):
    """Integer results keep the input's integer dtype (NumPy would widen to int64)."""
    dt = val(x).dtype
    if dt.kind in "iu" and val(result).dtype != dt:
        return np.asarray(val(result)).astype(dt)
    return result


def _reduce(op):
    def reduce(input_tensor, axis=None, keepdims=False, name=None):
        x = inp(input_tensor)
        return out(_keep_int(op(x, axis=axis_arg(axis), keepdims=bool(keepdims)), x))

    reduce.__doc__ = f"`tf.math.reduce_{op.__name__}`-style reduction over `axis` (all if None)."
    return reduce


reduce_sum = _reduce(ops.sum)
reduce_max = _reduce(ops.max)
reduce_min = _reduce(ops.min)
reduce_prod = _reduce(ops.prod)
reduce_logsumexp = _reduce(ops.logsumexp)
reduce_std = _reduce(ops.std)
reduce_variance = _reduce(ops.var)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.reduce_mean`: for integer tensors the mean is an integer (truncated), as in TF."""
    x = inp(input_tensor)
    dt = val(x).dtype
    if dt.kind in "iub":
        total = np.sum(val(x), axis=axis_arg(axis), keepdims=bool(keepdims))
        count = val(x).size // max(np.size(total), 1)
        return out(np.trunc(total / count).astype(dt))
    return out(ops.mean(x, axis=axis_arg(axis), keepdims=bool(keepdims)))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.reduce_any` (logical or)."""
    return out(np.any(val(input_tensor), axis=axis_arg(axis), keepdims=bool(keepdims)))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.reduce_all` (logical and)."""
    return out(np.all(val(input_tensor), axis=axis_arg(axis), keepdims=bool(keepdims)))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.math.reduce_euclidean_norm`."""
    x = inp(input_tensor)
    return out(ops.sqrt(ops.sum(ops.square(x), axis=axis_arg(axis), keepdims=bool(keepdims))))


def count_nonzero(input, axis=None, keepdims=None, dtype="int64", name=None):  # noqa: A002
    """`tf.math.count_nonzero`."""
    n = np.count_nonzero(val(input), axis=axis_arg(axis), keepdims=bool(keepdims))
    return out(np.asarray(n, dtype=np_dtype(dtype)))


def _unary(op, doc):
    def fn(x, name=None):
        return out(op(inp(x)))

    fn.__doc__ = doc
    return fn


def _binary(op, doc):
    def fn(x, y, name=None):
        return out(op(*pair(x, y)))

    fn.__doc__ = doc
    return fn


abs = _unary(ops.abs, "`tf.math.abs`.")  # noqa: A001 - TensorFlow's name
exp = _unary(ops.exp, "`tf.math.exp`.")
log = _unary(ops.log, "`tf.math.log` (natural).")
log1p = _unary(ops.log1p, "`tf.math.log1p`.")
expm1 = _unary(ops.expm1, "`tf.math.expm1`.")
sqrt = _unary(ops.sqrt, "`tf.math.sqrt`.")
rsqrt = _unary(ops.rsqrt, "`tf.math.rsqrt`.")
square = _unary(ops.square, "`tf.math.square`.")
negative = _unary(ops.negative, "`tf.math.negative`.")
sign = _unary(ops.sign, "`tf.math.sign`.")
reciprocal = _unary(ops.reciprocal, "`tf.math.reciprocal`.")
floor = _unary(ops.floor, "`tf.math.floor`.")
ceil = _unary(ops.ceil, "`tf.math.ceil`.")
sin = _unary(ops.sin, "`tf.math.sin`.")
cos = _unary(ops.cos, "`tf.math.cos`.")
tan = _unary(ops.tan, "`tf.math.tan`.")
asin = _unary(ops.arcsin, "`tf.math.asin`.")
acos = _unary(ops.arccos, "`tf.math.acos`.")
atan = _unary(ops.arctan, "`tf.math.atan`.")
sinh = _unary(ops.sinh, "`tf.math.sinh`.")
cosh = _unary(ops.cosh, "`tf.math.cosh`.")
tanh = _unary(ops.tanh, "`tf.math.tanh`.")
sigmoid = _unary(ops.sigmoid, "`tf.math.sigmoid`.")
softplus = _unary(ops.softplus, "`tf.math.softplus`.")
softsign = _unary(ops.softsign, "`tf.math.softsign`.")
log_sigmoid = _unary(ops.log_sigmoid, "`tf.math.log_sigmoid`.")
erf = _unary(ops.erf, "`tf.math.erf`.")
logical_not = _unary(ops.logical_not, "`tf.math.logical_not`.")
is_nan = _unary(ops.isnan, "`tf.math.is_nan`.")
is_inf = _unary(ops.isinf, "`tf.math.is_inf`.")
is_finite = _unary(ops.isfinite, "`tf.math.is_finite`.")

add = _binary(ops.add, "`tf.math.add`.")
subtract = _binary(ops.subtract, "`tf.math.subtract`.")
multiply = _binary(ops.multiply, "`tf.math.multiply`.")
maximum = _binary(ops.maximum, "`tf.math.maximum`.")
minimum = _binary(ops.minimum, "`tf.math.minimum`.")
pow = _binary(ops.power, "`tf.math.pow`.")  # noqa: A001
floordiv = _binary(ops.floor_divide, "`tf.math.floordiv`.")
floormod = mod = _binary(ops.mod, "`tf.math.floormod`.")
atan2 = _binary(ops.arctan2, "`tf.math.atan2`.")
equal = _binary(ops.equal, "`tf.math.equal`.")
not_equal = _binary(ops.not_equal, "`tf.math.not_equal`.")
greater = _binary(ops.greater, "`tf.math.greater`.")
greater_equal = _binary(ops.greater_equal, "`tf.math.greater_equal`.")
less = _binary(ops.less, "`tf.math.less`.")
less_equal = _binary(ops.less_equal, "`tf.math.less_equal`.")
logical_and = _binary(ops.logical_and, "`tf.math.logical_and`.")
logical_or = _binary(ops.logical_or, "`tf.math.logical_or`.")
logical_xor = _binary(ops.logical_xor, "`tf.math.logical_xor`.")


def round(x, name=None):  # noqa: A001
    """`tf.math.round`: half to even, as TensorFlow (and NumPy) round."""
    return out(ops.round(inp(x)))


def divide(x, y, name=None):
    """`tf.math.divide` (true division; small integer types give float32, others float64)."""
    xa, ya = inp(x), inp(y)
    kind = val(xa).dtype
    if kind.kind in "iu":
        ft = np.float32 if kind.itemsize <= 2 else np.float64
        xa, ya = val(xa).astype(ft), val(ya).astype(ft)
    return out(ops.divide(xa, ya))


truediv = divide


def squared_difference(x, y, name=None):
    """`tf.math.squared_difference`: `(x - y) ** 2`."""
    return out(ops.square(ops.subtract(inp(x), inp(y))))


def divide_no_nan(x, y, name=None):
    """`tf.math.divide_no_nan`: 0 where `y` is 0."""
    return out(ops.divide_no_nan(inp(x), inp(y)))


def multiply_no_nan(x, y, name=None):
    """`tf.math.multiply_no_nan`: 0 where `y` is 0, even if `x` is inf or nan."""
    xa, ya = inp(x), inp(y)
    zero = val(ya) == 0
    safe_x = ops.where(zero, np.zeros((), val(xa).dtype), xa)
    return out(ops.multiply(safe_x, ya))


def xlogy(x, y, name=None):
    """`tf.math.xlogy`: `x * log(y)`, 0 where `x` is 0."""
    xa, ya = inp(x), inp(y)
    zero = val(xa) == 0
    safe_y = ops.where(zero, np.ones((), val(ya).dtype), ya)
    return out(ops.multiply(xa, ops.log(safe_y)))


def add_n(inputs, name=None):
    """`tf.math.add_n`: the sum of a list of same-shape tensors."""
    total = inp(inputs[0])
    for t in inputs[1:]:
        total = ops.add(total, inp(t))
    return out(total)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """`tf.math.cumsum`."""
    a = inp(x)
    if reverse:
        a = ops.flip(a, axis)
    res = _keep_int(ops.cumsum(a, axis=axis), a)
    if exclusive:
        res = ops.subtract(res, a)
    return out(ops.flip(res, axis) if reverse else res)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """`tf.math.cumprod`."""
    a = val(x)
    if reverse:
        a = np.flip(a, axis)
    res = np.cumprod(a, axis=axis, dtype=a.dtype)
    if exclusive:
        res = np.concatenate(
            [np.ones_like(np.take(res, [0], axis=axis)), np.delete(res, -1, axis=axis)], axis=axis
        )
    return out(np.flip(res, axis) if reverse else res)


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """`tf.math.argmax`: along `axis` (default 0), int64 indices."""
    return out(
        np.argmax(val(input), axis=0 if axis is None else axis_arg(axis)).astype(
            np_dtype(output_type)
        )
    )


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """`tf.math.argmin`: along `axis` (default 0), int64 indices."""
    return out(
        np.argmin(val(input), axis=0 if axis is None else axis_arg(axis)).astype(
            np_dtype(output_type)
        )
    )


TopKV2 = namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002
    """`tf.math.top_k`: the `k` largest entries of the last axis, and their int32 indices.

    Ties keep the lower index first, as in TensorFlow.
    """
    x = inp(input)
    a = val(x)
    k = int(val(k))
    if k > a.shape[-1]:
        raise ValueError(f"input must have at least k={k} columns. Had {a.shape[-1]}")
    idx = np.argsort(-a, axis=-1, kind="stable")[..., :k]
    values = ops.take_along_axis(x, idx, axis=-1)
    return TopKV2(out(values), out(idx.astype(np_dtype(index_type))))


def in_top_k(targets, predictions, k, name=None):
    """`tf.math.in_top_k(targets, predictions, k)`: whether each target is among the top k.

    A target whose prediction ties with the k-th largest counts as in the top k.
    """
    p = val(predictions)
    t = val(targets).astype(np.int64)
    target_scores = p[np.arange(len(t)), t]
    kth = -np.sort(-p, axis=-1)[:, int(k) - 1]
    return out(target_scores >= kth)


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype="int32", name=None):
    """`tf.math.confusion_matrix`: rows are labels, columns predictions."""
    lab = val(labels).astype(np.int64).ravel()
    pred = val(predictions).astype(np.int64).ravel()
    if (lab < 0).any() or (pred < 0).any():
        raise ValueError("`labels` and `predictions` must be non-negative.")
    n = (
        int(max(lab.max(initial=-1), pred.max(initial=-1)) + 1)
        if num_classes is None
        else int(num_classes)
    )
    if lab.size and (lab.max() >= n or pred.max() >= n):
        raise ValueError(f"`labels` and `predictions` must be smaller than num_classes={n}.")
    w = np.ones(lab.shape) if weights is None else val(weights).ravel()
    cm = np.zeros((n, n), dtype=np_dtype(dtype))
    np.add.at(cm, (lab, pred), w.astype(cm.dtype))
    return out(cm)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """`tf.math.l2_normalize`: `x / sqrt(max(sum(x**2), epsilon))`."""
    a = inp(x)
    axis = axis_arg(dim if axis is None else axis)
    sq = ops.sum(ops.square(a), axis=axis, keepdims=True)
    return out(ops.multiply(a, ops.rsqrt(ops.maximum(sq, np.asarray(epsilon, val(a).dtype)))))


def bincount(
    arr,
    weights=None,
    minlength=None,
    maxlength=None,
    dtype="int32",
    name=None,
    axis=None,
    binary_output=False,
):
    """`tf.math.bincount` of a non-negative integer tensor."""
    a = val(arr).astype(np.int64).ravel()
    w = None if weights is None else val(weights).ravel()
    res = np.bincount(a, w, minlength=int(minlength or 0))
    if maxlength is not None:
        res = res[: int(maxlength)]
    if binary_output:
        res = res > 0
    return out(res.astype(np_dtype(dtype) if w is None else res.dtype))


def segment_sum(data, segment_ids, name=None):
    """`tf.math.segment_sum` (sorted ids)."""
    return out(ops.segment_sum(inp(data), val(segment_ids)))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """`tf.math.unsorted_segment_sum`."""
    return out(ops.segment_sum(inp(data), val(segment_ids), num_segments=int(val(num_segments))))


def polyval(coeffs, x, name=None):
    """`tf.math.polyval`: `coeffs[0] * x**(n-1) + ... + coeffs[-1]` (Horner)."""
    res = inp(coeffs[0])
    for c in coeffs[1:]:
        res = ops.add(ops.multiply(res, inp(x)), inp(c))
    return out(res)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.math", name)
