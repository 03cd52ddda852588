"""Stateful metrics: `Metric`, `Mean`, `Sum` and `MeanMetricWrapper`."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.saving.function_refs import deserialize_function, serialize_function


class Metric:
    """Base class: accumulate with `update_state`, read with `result`, clear with `reset_state`.

    Args:
        name: Metric name (used as the history key).
        dtype: Result dtype (default float32).
    """

    def __init__(self, name=None, dtype=None):
        from minikeras.utils.naming import to_snake_case

        if name is None:  # Keras auto-names unnamed metrics uniquely (auc, auc_1, ...)
            from minikeras.utils.naming import unique_name

            name = unique_name(to_snake_case(type(self).__name__))
        self.name = name
        self.dtype = dtype or "float32"

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        """Sets every variable made by `add_variable`/`add_weight` back to zero."""
        state = self.__dict__.get("_state_variables")
        if not state:
            raise NotImplementedError(
                f"{type(self).__name__} must implement `reset_state()` (or keep its state in "
                "variables made with `self.add_variable(...)`, which are zeroed by default)."
            )
        for v in state:
            v.assign(np.zeros(v.shape, dtype=v.dtype))

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable state variable of this metric (listed by `variables`).

        Args:
            shape: Its shape.
            initializer: An initializer or its name (e.g. `"zeros"`).
            dtype: Its dtype (default: the metric's).
            aggregation: Accepted for compatibility (a single device here).
            name: Its name.
        """
        from minikeras import initializers
        from minikeras.backend.variable import Variable

        dtype = dtype or self.dtype
        init = initializers.get(initializer or "zeros")
        value = np.asarray(value_of(init(tuple(shape), dtype=dtype)), dtype=dtype)
        variable = Variable(value, dtype=dtype, trainable=False, name=name)
        self.__dict__.setdefault("_state_variables", []).append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """`add_variable` with Keras 2's argument order (shape defaults to a scalar)."""
        return self.add_variable(shape, initializer, dtype=dtype, name=name)

    def reset_states(self) -> None:
        """Keras 2 name of `reset_state` (calls the subclass's `reset_state`)."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    @property
    def variables(self) -> list:
        return list(self.__dict__.get("_state_variables", []))


def _weighted(values: np.ndarray, sample_weight):
    """(weighted sum, weight count) of `values`, reduced per sample as Keras 3 does.

    Values are first averaged down to the rank of `sample_weight` (per sample), then
    weighted; the count is the number of samples (or the sum of their weights).
    """
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is None:
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        return float(values.sum()), float(values.shape[0] if values.ndim else 1)
    given = np.asarray(value_of(sample_weight), dtype=np.float64)
    sw = given
    while sw.ndim > values.ndim and sw.shape[-1] == 1:
        sw = sw[..., 0]
    while values.ndim > sw.ndim and values.ndim and values.shape[-1] == 1 and sw.ndim:
        values = values[..., 0]
    if values.ndim > sw.ndim:
        values = values.mean(axis=tuple(range(sw.ndim, values.ndim)))
    if sw.ndim and not values.ndim:
        raise ValueError(
            f"`sample_weight` of shape {given.shape} cannot weight a metric value that has "
            "no sample axis left: the metric averages over the last axis of its targets, "
            "so targets of shape (batch,) give one value per batch. Give targets and "
            "predictions a last axis, e.g. shape (batch, 1)."
        )
    from minikeras.losses.loss import check_weight_shape

    check_weight_shape(given.shape, sw.shape, values.shape)
    sw = np.broadcast_to(sw, values.shape)
    weighted = values * sw
    if weighted.ndim > 1:
        weighted = weighted.mean(axis=tuple(range(1, weighted.ndim)))
        sw = sw.mean(axis=tuple(range(1, sw.ndim)))
    return float(weighted.sum()), float(sw.sum())


def _exact_counts() -> dict:
    global _EXACT_COUNTS
    if _EXACT_COUNTS is None:  # imported late: accuracy_metrics imports this module
        from minikeras.metrics.accuracy_metrics import EXACT_COUNTS

        _EXACT_COUNTS = EXACT_COUNTS
    return _EXACT_COUNTS


_EXACT_COUNTS = None


class Sum(Metric):
    """Running (weighted) sum of the values seen."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = np.asarray(value_of(values), dtype=np.float64)
        if sample_weight is not None:
            from minikeras.losses.loss import broadcast_weights

            values = values * broadcast_weights(sample_weight, values.shape, np.float64)
        self.total += float(values.sum())

    def result(self):
        return np.asarray(self.total, dtype=self.dtype)

    def reset_state(self):
        self.total = 0.0


class Mean(Metric):
    """Running (weighted) mean of the values seen."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        total, count = _weighted(value_of(values), sample_weight)
        self.total += total
        self.count += count

    def result(self):
        return np.asarray(self.total / self.count if self.count else 0.0, dtype=self.dtype)

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0


class MeanMetricWrapper(Mean):
    """Mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: Per-sample metric function.
        name: Metric name.
        **kwargs: Extra arguments passed to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        if type(y_true) is not np.ndarray:
            y_true = np.asarray(value_of(y_true))
        if type(y_pred) is not np.ndarray:
            y_pred = np.asarray(value_of(y_pred))
        from minikeras.losses.loss import (
            check_target_shape,
            computation_dtype,
            is_sparse_function,
            squeeze_or_expand_to_same_rank,
        )

        wanted = computation_dtype(y_pred.dtype)
        if wanted is not None:
            y_pred = y_pred.astype(wanted)
        if y_true.dtype != y_pred.dtype and y_true.dtype.kind in "biuf":
            y_true = y_true.astype(y_pred.dtype)  # as Keras's metric functions cast it

        if is_sparse_function(self._fn):
            check_target_shape(y_true, y_pred, sparse=True)
        else:
            check_target_shape(*squeeze_or_expand_to_same_rank(y_true, y_pred))
        if sample_weight is None:
            count_fn = _exact_counts().get(self._fn)
            hits = None if count_fn is None else count_fn(y_true, y_pred, **self._fn_kwargs)
            if hits is not None:  # the same sum as of the 0/1 values, without them
                self.total += float(hits)
                self.count += float(y_pred.shape[0])
                return
        if y_true.ndim != y_pred.ndim and not is_sparse_function(self._fn):
            # Integer labels keep their rank: they lack the prediction's class axis.
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        values = np.asarray(value_of(self._fn(y_true, y_pred, **self._fn_kwargs)))
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        cfg = super().get_config()
        if type(self) is MeanMetricWrapper:  # subclasses fix their own function
            cfg["fn"] = serialize_function(self._fn)
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)
