"""Threshold metrics: TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
Precision and Recall."""

from __future__ import annotations

import numpy as np

from minikeras.metrics.confusion_utils import (
    NEG_INF,
    as_thresholds,
    confusion_counts,
    divide_no_nan,
)
from minikeras.metrics.metric import Metric


class _ConfusionMatrixCount(Metric):
    _key = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = as_thresholds(thresholds)
        self._single = thresholds is None or isinstance(thresholds, (int, float))
        self.accumulator = np.zeros(len(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.accumulator += confusion_counts(y_true, y_pred, self.thresholds, sample_weight)[
            self._key
        ]

    def result(self):
        value = self.accumulator[0] if self._single else self.accumulator
        return np.asarray(value, dtype=self.dtype)

    def reset_state(self):
        self.accumulator = np.zeros(len(self.thresholds))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixCount):
    """Weighted count of true positives (`y_pred > threshold` and label true)."""

    _key = "tp"


class FalsePositives(_ConfusionMatrixCount):
    """Weighted count of false positives."""

    _key = "fp"


class TrueNegatives(_ConfusionMatrixCount):
    """Weighted count of true negatives."""

    _key = "tn"


class FalseNegatives(_ConfusionMatrixCount):
    """Weighted count of false negatives."""

    _key = "fn"


class _PrecisionRecall(Metric):
    _pair = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # with top_k and no thresholds, every kept (top-k) entry counts as predicted
        self.thresholds = (
            as_thresholds(thresholds)
            if thresholds is not None
            else [0.5 if top_k is None else NEG_INF]
        )
        self._single = thresholds is None or isinstance(thresholds, (int, float))
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true, y_pred, self.thresholds, sample_weight, top_k=self.top_k, class_id=self.class_id
        )
        self.true_positives += counts["tp"]
        self.other += counts[self._pair[1]]

    def result(self):
        value = divide_no_nan(self.true_positives, self.true_positives + self.other)
        return np.asarray(value[0] if self._single else value, dtype=self.dtype)

    def reset_state(self):
        self.true_positives = np.zeros(len(self.thresholds))
        self.other = np.zeros(len(self.thresholds))

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """`TP / (TP + FP)` at each threshold (default 0.5), optionally over the top-k
    predictions or for one `class_id`."""

    _pair = ("tp", "fp")


class Recall(_PrecisionRecall):
    """`TP / (TP + FN)` at each threshold (default 0.5), optionally over the top-k
    predictions or for one `class_id`."""

    _pair = ("tp", "fn")
