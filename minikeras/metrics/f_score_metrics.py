"""`FBetaScore` and `F1Score` (Keras 3 semantics)."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.metrics.metric import Metric


class FBetaScore(Metric):
    """F-beta score of multi-label / multi-class predictions.

    Args:
        average: `None` (one score per class), `"micro"`, `"macro"` or `"weighted"`.
        beta: Weight of recall relative to precision (1.0).
        threshold: Predictions above it count as positive; `None` takes the arg-max
            of each row.
        name: Metric name.
        dtype: Result dtype.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float > 0. "
                f"Received: beta={beta} of type '{type(beta).__name__}'"
            )
        if threshold is not None and (
            not isinstance(threshold, float) or not 0.0 < threshold <= 1.0
        ):
            raise ValueError(
                "Invalid `threshold` argument value. It should be a Python float in the "
                f"range ]0, 1]. Received: threshold={threshold}"
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.reset_state()

    def reset_state(self):
        self._state = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(value_of(y_true), dtype=np.float32)
        y_pred = np.asarray(value_of(y_pred), dtype=np.float32)
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}."
            )
        from minikeras.losses.loss import check_target_shape

        check_target_shape(y_true, y_pred)
        if self.threshold is None:
            top = np.max(y_pred, axis=-1, keepdims=True)
            pred = ((y_pred >= top) & (np.abs(y_pred) > 1e-9)).astype(np.float32)
        else:
            pred = (y_pred > self.threshold).astype(np.float32)
        sw = None
        if sample_weight is not None:
            from minikeras.losses.loss import broadcast_weights

            sw = broadcast_weights(sample_weight, (len(y_true), 1), np.float32)

        def wsum(v):
            return np.sum(v if sw is None else v * sw, axis=self.axis)

        parts = np.stack(
            [
                wsum(pred * y_true),
                wsum(pred * (1 - y_true)),
                wsum((1 - pred) * y_true),
                wsum(y_true),
            ]
        ).astype(np.float64)
        self._state = parts if self._state is None else self._state + parts

    def result(self):
        if self._state is None:
            return np.asarray(0.0, dtype=self.dtype)
        tp, fp, fn, weights = self._state
        eps = config.epsilon()
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = self.beta**2
        score = (precision * recall) / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            score = np.sum(score * weights / (np.sum(weights) + eps))
        elif self.average is not None:
            score = np.mean(score)
        return np.asarray(score, dtype=self.dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "beta": self.beta,
            "average": self.average,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """F1 score: the F-beta score with `beta=1`."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("beta")
        return cfg
