"""Correlation metrics: Pearson's and the concordance correlation coefficient."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.metrics.metric import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    y_pred = y_pred if y_pred.dtype.kind == "f" else y_pred.astype(config.floatx())
    return np.asarray(y_true, dtype=y_pred.dtype), y_pred


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of labels and predictions along `axis`.

    Example:
        >>> pearson_correlation([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        array([1.       , 0.9933993], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - np.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
    t = t / np.std(t, axis=axis, keepdims=True)
    p = p / np.std(p, axis=axis, keepdims=True)
    return np.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """The concordance correlation coefficient along `axis`, as Keras 3 defines it:
    `mean(2 * (y_true - mean(y_pred)) * (y_pred - mean(y_pred)) / (var(y_true) +
    var(y_pred) + (mean(y_true) - mean(y_pred))**2 + epsilon))` (Keras centres the
    labels on the predictions' mean in the numerator; the same here, for its numbers).

    Example:
        >>> concordance_correlation([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        array([0.9756098 , 0.98765427], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = np.mean(y_true, axis=axis, keepdims=True)
    pred_mean = np.mean(y_pred, axis=axis, keepdims=True)
    norm = (
        np.var(y_true, axis=axis, keepdims=True)
        + np.var(y_pred, axis=axis, keepdims=True)
        + np.square(true_mean - pred_mean)
    )
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    epsilon = np.asarray(config.epsilon(), dtype=y_pred.dtype)
    return np.mean(2 * covar / (norm + epsilon), axis=axis)


class _AxisCorrelation(MeanMetricWrapper):
    """The mean of a per-sample correlation function (`_function`) along `axis`.

    Args:
        name: Metric name (default: the function's name, as Keras names it).
        dtype: Result dtype.
        axis: The axis the coefficient is computed along (default -1).
    """

    _function = staticmethod(pearson_correlation)

    def __init__(self, name=None, dtype=None, axis=-1):
        fn = type(self)._function
        super().__init__(fn, name=name or fn.__name__, dtype=dtype, axis=axis)
        self.axis = axis


class PearsonCorrelation(_AxisCorrelation):
    """`PearsonCorrelation(name="pearson_correlation", dtype=None, axis=-1)`: the mean
    Pearson correlation coefficient of labels and predictions (arguments as Keras 3)."""

    _function = staticmethod(pearson_correlation)


class ConcordanceCorrelation(_AxisCorrelation):
    """`ConcordanceCorrelation(name="concordance_correlation", dtype=None, axis=-1)`: the
    mean concordance correlation coefficient of labels and predictions (as Keras 3)."""

    _function = staticmethod(concordance_correlation)
