"""Metrics read off the confusion curve at a constraint: SensitivityAtSpecificity,
SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision."""

from __future__ import annotations

import numpy as np

from minikeras.metrics.confusion_utils import confusion_counts, divide_no_nan
from minikeras.metrics.metric import Metric


class _SensitivitySpecificityBase(Metric):
    _arg = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if value < 0 or value > 1:
            raise ValueError(
                f"Argument `{self._arg}` must be in the range [0, 1]. Received: {self._arg}={value}"
            )
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
        self.reset_state()

    def reset_state(self):
        self._counts = {k: np.zeros(len(self.thresholds)) for k in ("tp", "fp", "tn", "fn")}

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true, y_pred, self.thresholds, sample_weight, class_id=self.class_id
        )
        for k in self._counts:
            self._counts[k] += counts[k]

    def _rates(self):
        c = self._counts
        return {
            "sensitivity": divide_no_nan(c["tp"], c["tp"] + c["fn"]),
            "specificity": divide_no_nan(c["tn"], c["tn"] + c["fp"]),
            "precision": divide_no_nan(c["tp"], c["tp"] + c["fp"]),
        }

    def _max_under_constraint(self, constrained, dependent):
        feasible = constrained >= self.value
        return np.asarray(np.max(np.where(feasible, dependent, 0.0), initial=0.0), dtype=self.dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "num_thresholds": self.num_thresholds,
            "class_id": self.class_id,
            self._arg: self.value,
        }


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """Best sensitivity (recall) among thresholds whose specificity is ≥ `specificity`."""

    _arg = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["specificity"], r["sensitivity"])


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """Best specificity among thresholds whose sensitivity is ≥ `sensitivity`."""

    _arg = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["sensitivity"], r["specificity"])


class PrecisionAtRecall(_SensitivitySpecificityBase):
    """Best precision among thresholds whose recall is ≥ `recall`."""

    _arg = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["sensitivity"], r["precision"])


class RecallAtPrecision(_SensitivitySpecificityBase):
    """Best recall among thresholds whose precision is ≥ `precision`."""

    _arg = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["precision"], r["sensitivity"])
