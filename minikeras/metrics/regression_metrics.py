"""Regression metrics: MSE, RMSE, MAE, MAPE, MSLE, cosine similarity, log-cosh, R²."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.losses import regression_losses as rl
from minikeras.losses.losses import mean_absolute_error, mean_squared_error
from minikeras.metrics.metric import Mean, MeanMetricWrapper, Metric


def _np(fn):
    """A NumPy-valued version of a loss function (metrics need no gradients)."""

    def wrapped(y_true, y_pred, **kwargs):
        return np.asarray(value_of(fn(y_true, y_pred, **kwargs)))

    wrapped.__name__ = fn.__name__
    return wrapped


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along `axis` (1 = same direction)."""
    y_true = np.asarray(y_true, dtype=np.float32)
    y_pred = np.asarray(y_pred, dtype=np.float32)
    nt = y_true / np.sqrt(np.maximum(np.sum(np.square(y_true), axis=axis, keepdims=True), 1e-12))
    npred = y_pred / np.sqrt(np.maximum(np.sum(np.square(y_pred), axis=axis, keepdims=True), 1e-12))
    return np.sum(nt * npred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Mean of squared errors."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(_np(mean_squared_error), name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of absolute errors."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(_np(mean_absolute_error), name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(_np(rl.mean_absolute_percentage_error), name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean squared logarithmic error."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(_np(rl.mean_squared_logarithmic_error), name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions (positive, unlike the loss)."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """Mean logarithm of the hyperbolic cosine of the prediction error."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(_np(rl.log_cosh), name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the (weighted) mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        from minikeras.losses.loss import check_target_shape, squeeze_or_expand_to_same_rank

        y_true = np.asarray(value_of(y_true), dtype=np.float32)
        y_pred = np.asarray(value_of(y_pred), dtype=np.float32)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_target_shape(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self):
        return np.sqrt(super().result())


class R2Score(Metric):
    """Coefficient of determination, per output then aggregated.

    Args:
        class_aggregation: `"uniform_average"` (default), `"variance_weighted_average"`
            or `None` (one score per output).
        num_regressors: Number of independent regressors (adjusted R² when > 0).
        name: Metric name.
        dtype: Result dtype.
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self._state = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(value_of(y_true), dtype=np.float64)
        y_pred = np.asarray(value_of(y_pred), dtype=np.float64)
        if y_true.ndim == 1:
            y_true = y_true[:, None]
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        if y_true.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(
                "R2Score expects 2D inputs of the same shape (num_samples, num_outputs). "
                f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
            )
        if sample_weight is None:
            sw = np.broadcast_to(1.0, y_true.shape)
        else:
            from minikeras.losses.loss import broadcast_weights

            sw = broadcast_weights(sample_weight, y_true.shape, np.float64)
        if self._state is None:
            self._state = np.zeros((4, y_true.shape[1]))
            self._num_samples = 0
        wy = y_true * sw
        self._state += np.stack(
            [wy.sum(0), (y_true * wy).sum(0), (np.square(y_true - y_pred) * sw).sum(0), sw.sum(0)]
        )
        self._num_samples += y_true.size

    def result(self):
        if self._state is None:
            return np.asarray(0.0, dtype=self.dtype)
        total_sum, sq_sum, mse, count = self._state
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = total_sum / count
            total = sq_sum - total_sum * mean
            raw = 1 - mse / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = np.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * raw) / np.sum(total)
        else:
            score = raw
        if self.num_regressors:
            n, p = self._num_samples, self.num_regressors
            if p >= n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 "
                    "score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return np.asarray(score, dtype=self.dtype)

    def reset_state(self):
        self._state = None

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
