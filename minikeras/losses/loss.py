"""`Loss` base class, reduction and the rank-matching Keras applies before a loss."""

from __future__ import annotations

import math

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, value_of
from minikeras.backend.eager_tensor import as_eager
from minikeras.saving.function_refs import deserialize_function, serialize_function

_REDUCTIONS = (
    "sum_over_batch_size",
    "sum",
    "none",
    "mean",
    "mean_with_sample_weight",
    None,
    "auto",
)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes `x1` and `x2` the same rank by squeezing or expanding a trailing size-1 axis."""
    if (
        isinstance(x1, (np.ndarray, Tensor))
        and isinstance(x2, (np.ndarray, Tensor))
        and x1.ndim == x2.ndim
    ):  # fast path: nothing to do
        return x1, x2
    s1, s2 = ops.shape(x1), ops.shape(x2)
    r1, r2 = len(s1), len(s2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    if r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def computation_dtype(dtype: np.dtype, loss_dtype=None):
    """The dtype Keras computes a loss of `dtype` predictions in, when it is not theirs:
    integer, boolean or half-precision predictions are cast up to the loss's dtype
    (`floatx()` by default), as Keras's `Loss.__call__` casts them (float64 ones are
    kept, not rounded down). None when no cast is needed."""
    key = (dtype, loss_dtype, config.floatx())
    found = _COMPUTATION_DTYPES.get(key, False)
    if found is False:
        target = np.dtype(config.standardize_dtype(loss_dtype or key[2]))
        upcast = dtype.kind in "biu" or (dtype.kind == "f" and dtype.itemsize < target.itemsize)
        found = _COMPUTATION_DTYPES[key] = target if upcast else None
    return found


_COMPUTATION_DTYPES: dict = {}  # (dtype, loss dtype, floatx) -> computation_dtype's answer


def check_target_shape(y_true, y_pred, sparse: bool = False) -> None:
    """Raises ValueError when labels and predictions do not match (NumPy would broadcast).

    Dense targets must have the prediction's shape (after `squeeze_or_expand_to_same_rank`);
    sparse (integer) targets the prediction's shape without its last axis, or with it as 1.
    """
    s1, s2 = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if sparse:
        ok = s1 in (s2[:-1], s2[:-1] + (1,))
    else:
        ok = s1 == s2
    if ok:
        return
    if sparse:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={s1}, output.shape={s2}"
        )
    raise ValueError(
        "Arguments `target` and `output` must have the same shape. Received: "
        f"target.shape={s1}, output.shape={s2}"
    )


def is_sparse_function(fn) -> bool:
    """True for losses/metrics taking integer class labels (`sparse_*`, or a function
    marked `sparse_labels`)."""
    return "sparse" in getattr(fn, "__name__", "") or getattr(fn, "sparse_labels", False)


def match_weight_rank(weights: np.ndarray, ndim: int) -> np.ndarray:
    """Drops trailing size-1 axes of `weights`, or appends axes, until it has `ndim` axes."""
    while weights.ndim > ndim and weights.shape[-1] == 1:
        weights = weights[..., 0]
    while weights.ndim < ndim:
        weights = weights[..., None]
    return weights


def check_weight_shape(given: tuple, weights: tuple, values: tuple) -> None:
    """Raises ValueError unless `weights` (the `sample_weight` of shape `given`, brought to
    the rank of `values` by `match_weight_rank`) weights `values` axis by axis: each axis
    of the weights is 1 or the values' own (a scalar value takes any weights, as in Keras).
    """
    if not values:
        return
    if len(weights) <= len(values) and all(
        w in (1, v) for w, v in zip(weights, values[: len(weights)])
    ):
        return
    raise ValueError(
        f"`sample_weight` must give one weight per sample (or per value). Received: "
        f"sample_weight.shape={given} for values of shape {values}. Expected shape "
        f"{values[:1]}, {values} or one that broadcasts as {values} does "
        "(its axes 1 or equal to the values' own)."
    )


def matched_weights(sample_weight, shape: tuple, dtype) -> np.ndarray:
    """`sample_weight` brought to the rank of values of `shape` (`match_weight_rank`) and
    checked against them (`check_weight_shape`)."""
    given = np.asarray(value_of(sample_weight), dtype=dtype)
    weights = match_weight_rank(given, len(shape))
    check_weight_shape(given.shape, weights.shape, tuple(shape))
    return weights


def broadcast_weights(sample_weight, shape: tuple, dtype) -> np.ndarray:
    """`sample_weight` as an array of `shape` (read-only view): `matched_weights`, then
    broadcast (weights for a scalar value keep their own shape)."""
    weights = matched_weights(sample_weight, shape, dtype)
    return np.broadcast_to(weights, np.broadcast_shapes(weights.shape, tuple(shape)))


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Applies `sample_weight` then reduces per-sample losses as Keras 3 does."""
    if sample_weight is not None:
        dtype = np.asarray(value_of(values)).dtype
        sw = matched_weights(sample_weight, tuple(ops.shape(values)), dtype)
        values = ops.multiply(values, sw)
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        denom = float(np.sum(np.broadcast_to(sw, ops.shape(values))))
        return ops.divide(total, max(denom, 1e-7))
    vv = value_of(values)
    if type(vv) is not np.ndarray:
        vv = np.asarray(vv)
    count = max(1, math.prod(vv.shape))
    return ops.divide(total, np.asarray(count, dtype=vv.dtype))


class Loss:
    """Base class for losses: `loss(y_true, y_pred, sample_weight=None) -> scalar`.

    Args:
        name: Name of the loss.
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"none"` or
            `"mean_with_sample_weight"`.
        dtype: Dtype of the computation (default `floatx()`).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"Invalid value for argument `reduction`. Expected one of {_REDUCTIONS[:5]}. "
                f"Received: reduction={reduction}"
            )
        if reduction in ("auto", "mean"):
            reduction = "sum_over_batch_size"
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        ypv = value_of(y_pred)
        yp_dtype = ypv.dtype if type(ypv) is np.ndarray else np.asarray(ypv).dtype
        wanted = computation_dtype(yp_dtype, self.dtype)
        if wanted is not None:
            y_pred, yp_dtype = ops.cast(y_pred, wanted), wanted
        y_true = value_of(y_true)
        if type(y_true) is not np.ndarray:
            y_true = np.asarray(y_true)
        if y_true.dtype.kind in "US":
            raise ValueError(
                f"Targets must be numbers; received text (dtype {y_true.dtype}, e.g. "
                f"{y_true.flat[0].item() if y_true.size else ''!r}). Map the labels to integer class "
                "indices first (a dict, or `keras.layers.StringLookup`)."
            )
        if (
            y_true.dtype != yp_dtype
            and y_true.dtype.kind in "fbiu"
            and not getattr(self, "_integer_targets", False)
        ):
            y_true = y_true.astype(yp_dtype)
        values = self.call(y_true, y_pred)
        return as_eager(reduce_values(values, sample_weight, self.reduction))

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps a per-sample loss function `fn(y_true, y_pred, **kwargs)` as a `Loss`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_target_shape(y_true, y_pred, sparse=is_sparse_function(self.fn))
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        if type(self) is LossFunctionWrapper:  # subclasses fix their own function
            cfg["fn"] = serialize_function(self.fn)
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


def _snake(name):
    from minikeras.utils.naming import to_snake_case

    return to_snake_case(name)


class Reduction:
    """Keras 2's reduction names (`keras.losses.Reduction.SUM`, ...); plain strings."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key) -> None:
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')
