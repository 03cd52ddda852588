"""`MonitorCallback`: shared logic of callbacks that watch one logged quantity."""

from __future__ import annotations

import operator
import warnings

from minikeras.callbacks.callback import Callback

_UP_WORDS = (
    "acc",
    "auc",
    "precision",
    "recall",
    "f1",
    "fbeta",
    "iou",
    "r2",
    "cosine_similarity",
    "true_positives",
    "true_negatives",
    "at_recall",
    "at_precision",
    "at_specificity",
    "at_sensitivity",
)


class MonitorCallback(Callback):
    """Base class for callbacks monitoring `monitor` in `mode` (`"auto"`, `"min"`, `"max"`).

    In `"auto"` mode the direction comes from the metric's `_direction` (as in
    Keras 3); losses are minimized.

    Raises:
        ValueError: in `"auto"` mode when the direction cannot be inferred.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _metric_direction(self, metric_name):
        compiled = getattr(self.model, "_compiled_metrics", None)
        for _, metric, _ in getattr(compiled, "metrics", []) or []:
            if metric.name == metric_name and hasattr(metric, "_direction"):
                return metric._direction
        if metric_name in ("acc", "accuracy") or any(w in metric_name for w in _UP_WORDS):
            return "up"
        if (
            "loss" in metric_name
            or "error" in metric_name
            or metric_name
            in (
                "mse",
                "mae",
                "mape",
                "msle",
                "rmse",
                "hinge",
                "squared_hinge",
                "poisson",
                "kl_divergence",
                "logcosh",
                "crossentropy",
            )
        ):
            return "down"
        return None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            direction = "down" if name == "loss" else self._metric_direction(name)
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "minikeras isn't able to automatically determine whether that metric "
                    "should be maximized or minimized. Pass `mode='max'` in order to monitor "
                    "based on the highest metric value, or pass `mode='min'` in order to use "
                    "the lowest value."
                )
            self.monitor_op = operator.gt if direction == "up" else operator.lt
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
