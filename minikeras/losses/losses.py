"""Core losses: per-sample functions and their `Loss` classes."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.losses.loss import LossFunctionWrapper, reduce_values


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`."""
    return ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    return ops.mean(ops.abs(ops.subtract(y_pred, y_true)), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over `axis`, with optional label smoothing."""
    from minikeras.losses.loss import check_target_shape, squeeze_or_expand_to_same_rank

    check_target_shape(*squeeze_or_expand_to_same_rank(y_true, y_pred))
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy over `axis` (one-hot `y_true`)."""
    if label_smoothing:
        n = ops.shape(y_pred)[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Categorical crossentropy with integer labels.

    Entries whose label equals `ignore_class` get a loss of 0 (and, through the
    `SparseCategoricalCrossentropy` class, are left out of the mean).
    """
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
    labels = np.asarray(ops.convert_to_numpy(y_true))
    if labels.ndim == len(ops.shape(y_pred)) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    valid = labels != ignore_class
    safe_labels = np.where(valid, labels, 0)
    # invalid rows see uniform (finite) predictions; their loss is then zeroed
    safe_pred = ops.where(np.expand_dims(valid, -1), y_pred, 1.0)
    res = ops.sparse_categorical_crossentropy(
        safe_labels, safe_pred, from_logits=from_logits, axis=axis
    )
    return ops.multiply(res, valid.astype(np.asarray(ops.convert_to_numpy(res)).dtype))


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors between labels and predictions."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors between labels and predictions."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy between true 0/1 labels and predicted probabilities (or logits)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between one-hot labels and predicted class probabilities (or logits)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between integer labels and predicted class probabilities (or logits)."""

    _integer_targets = True

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        ignore = self._fn_kwargs.get("ignore_class")
        if ignore is None:
            return super().__call__(y_true, y_pred, sample_weight)
        values = self.call(np.asarray(ops.convert_to_numpy(y_true)), y_pred)
        labels = np.asarray(ops.convert_to_numpy(y_true)).reshape(ops.shape(values))
        mask = (labels != ignore).astype(np.float32)
        if self.reduction == "sum_over_batch_size":
            # Keras: valid entries weigh total / valid, so the mean is over valid entries
            mask = mask * np.float32(mask.size / (mask.sum() + config.epsilon()))
        if sample_weight is not None:
            sw = np.asarray(ops.convert_to_numpy(sample_weight), np.float32)
            sw = (
                sw.reshape(sw.shape + (1,) * (mask.ndim - sw.ndim))
                if sw.ndim < mask.ndim
                else sw.reshape(mask.shape)
            )
            mask = mask * sw
        return reduce_values(values, mask, self.reduction)
