"""Intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.metrics.metric import Metric


class IoU(Metric):
    """Mean IoU over `target_class_ids`, from an accumulated confusion matrix.

    Args:
        num_classes: Number of classes.
        target_class_ids: Classes whose IoU is averaged.
        name: Metric name.
        dtype: Result dtype.
        ignore_class: A label to leave out of the confusion matrix.
        sparse_y_true: Whether labels are integers (else one-hot, arg-maxed over `axis`).
        sparse_y_pred: Whether predictions are integers (else scores, arg-maxed).
        axis: Class axis for the arg-max.
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        # Keras accumulates IoU confusion matrices in an integer dtype by default
        super().__init__(name=name, dtype=dtype or "int32")
        target_class_ids = list(target_class_ids)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.num_classes = num_classes
        self.target_class_ids = target_class_ids
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.reset_state()

    def reset_state(self):
        self.total_cm = np.zeros((self.num_classes, self.num_classes))

    def _prepare_pred(self, y_pred):
        return y_pred

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(value_of(y_true))
        y_pred = self._prepare_pred(np.asarray(value_of(y_pred)))
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        if y_true.size != y_pred.size:
            raise ValueError(
                "`y_true` and `y_pred` must hold one class per entry each, as many entries "
                f"in both. Received: y_true.shape={y_true.shape} and "
                f"y_pred.shape={y_pred.shape} (after reading classes)."
            )
        labels_shape = y_true.shape
        y_true = y_true.reshape(-1).astype(np.int64)
        y_pred = y_pred.reshape(-1).astype(np.int64)
        if sample_weight is None:
            sw = np.ones(y_true.shape)
        else:
            sw = np.asarray(value_of(sample_weight))
            if "int" in str(self.dtype) and sw.dtype.kind == "f":
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result "
                    "in an incorrect weight due to type casting. Consider using integer "
                    "weights.",
                    stacklevel=2,
                )
            from minikeras.losses.loss import broadcast_weights

            sw = sw.astype(self.dtype).astype(np.float64)
            sw = broadcast_weights(sw, labels_shape, np.float64).reshape(-1)
        n = self.num_classes
        ok = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            ok &= y_true != self.ignore_class
        np.add.at(self.total_cm, (y_true[ok], y_pred[ok]), sw[ok])

    def result(self):
        cm = self.total_cm
        rows = cm.sum(axis=0)
        cols = cm.sum(axis=1)
        tp = np.diag(cm)
        denom = rows + cols - tp
        ids = self.target_class_ids
        tp, denom = tp[ids], denom[ids]
        valid = denom != 0
        iou = np.where(valid, tp / (denom + config.epsilon()), 0.0)
        return np.asarray(np.sum(iou) / (np.sum(valid) + config.epsilon()), dtype=np.float32)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of binary predictions thresholded at `threshold` (classes 0 and 1)."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def _prepare_pred(self, y_pred):
        return (y_pred >= self.threshold).astype(np.int64)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
        }


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes."""

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("target_class_ids")
        return cfg


class OneHotIoU(IoU):
    """IoU with one-hot labels and score predictions (both arg-maxed)."""

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("sparse_y_true")
        return cfg


class OneHotMeanIoU(MeanIoU):
    """Mean IoU with one-hot labels and score predictions."""

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("sparse_y_true")
        return cfg
