"""`AUC`: area under the ROC or precision-recall curve, by Riemann sums over thresholds."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.metrics.confusion_utils import confusion_counts, divide_no_nan
from minikeras.metrics.metric import Metric

_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Approximate AUC from confusion counts at `num_thresholds` thresholds (Keras 3 rules).

    Args:
        num_thresholds: Number of thresholds (200); ignored when `thresholds` is given.
        curve: `"ROC"` or `"PR"`.
        summation_method: `"interpolation"` (trapezoids; PR uses Davis & Goadrich
            interpolation), `"minoring"` or `"majoring"`.
        name: Metric name.
        dtype: Result dtype.
        thresholds: Explicit thresholds in [0, 1] (0 − eps and 1 + eps are added).
        multi_label: Compute one curve per label and average them.
        num_labels: Number of labels (multi-label only; inferred otherwise).
        label_weights: Per-label weights for the average (or for the counts).
        from_logits: Apply a sigmoid to predictions first.
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        super().__init__(name=name or "auc", dtype=dtype)
        curve = str(curve).upper()
        if curve not in _CURVES:
            raise ValueError(
                f'Invalid `curve` argument value "{curve}". Expected one of: {list(_CURVES)}'
            )
        summation_method = str(summation_method).lower()
        if summation_method not in _SUMMATIONS:
            raise ValueError(
                f'Invalid `summation_method` argument value "{summation_method}". '
                f"Expected one of: {list(_SUMMATIONS)}"
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        self.curve = curve
        self.summation_method = summation_method
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else np.asarray(label_weights, np.float64)
        )
        self._from_logits = from_logits
        self.reset_state()

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def reset_state(self):
        self._counts = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=np.float32)
        if self._from_logits:
            y_pred = (1.0 / (1.0 + np.exp(-y_pred.astype(np.float64)))).astype(np.float32)
        counts = confusion_counts(
            y_true,
            y_pred,
            self._thresholds,
            sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )
        if self._counts is None:
            self._counts = counts
        else:
            for k in self._counts:
                self._counts[k] = self._counts[k] + counts[k]

    def _average(self, by_threshold):
        if not self.multi_label:
            return np.sum(by_threshold)
        by_label = np.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def _interpolate_pr_auc(self, tp, fp, fn):
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[: n - 1], np.maximum(p[1:], 0)), 1.0)
        ratio = np.where(ratio > 0, ratio, 1.0)
        increment = divide_no_nan(
            slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)
        )
        return self._average(increment)

    def result(self):
        if self._counts is None:
            return np.asarray(0.0, dtype=self.dtype)
        tp, fp, tn, fn = (self._counts[k] for k in ("tp", "fp", "tn", "fn"))
        if self.curve == "PR" and self.summation_method == "interpolation":
            return np.asarray(self._interpolate_pr_auc(tp, fp, fn), dtype=self.dtype)
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        return np.asarray(self._average((x[: n - 1] - x[1:]) * heights), dtype=self.dtype)

    def get_config(self):
        cfg = {
            "name": self.name,
            "dtype": self.dtype,
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg
