"""Focal crossentropies (Lin et al., 2017): binary and categorical."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.losses.loss import LossFunctionWrapper


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary crossentropy scaled by `(1 - p_t) ** gamma` (and `alpha` class balancing)."""
    y_true = np.asarray(ops.convert_to_numpy(y_true))
    if label_smoothing:
        y_true = (y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing).astype(y_true.dtype)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(
        ops.multiply(y_true, y_pred), ops.multiply(1.0 - y_true, ops.subtract(1.0, y_pred))
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), float(gamma)), bce)
    if apply_class_balancing:
        weight = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)).astype(y_true.dtype)
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical crossentropy weighted by `alpha * (1 - p) ** gamma` per class."""
    y_true = np.asarray(ops.convert_to_numpy(y_true))
    if label_smoothing:
        n = y_true.shape[-1]
        y_true = (y_true * (1.0 - label_smoothing) + label_smoothing / n).astype(y_true.dtype)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    eps = config.epsilon()
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    dt = np.asarray(ops.convert_to_numpy(output)).dtype.type
    output = ops.clip(output, dt(eps), dt(1.0 - eps))
    cce = ops.multiply(-y_true, ops.log(output))
    weighting = ops.multiply(ops.power(ops.subtract(1.0, output), float(gamma)), float(alpha))
    return ops.sum(ops.multiply(weighting, cce), axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal crossentropy.

    Args:
        apply_class_balancing: Weight positives by `alpha`, negatives by `1 - alpha`.
        alpha: Class-balancing weight (0.25).
        gamma: Focusing parameter (2.0).
        from_logits: Whether `y_pred` are logits.
        label_smoothing: Squeeze labels towards 0.5.
        axis: Axis to average over.
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal crossentropy (one-hot labels).

    Args:
        alpha: Weighting factor (0.25).
        gamma: Focusing parameter (2.0).
        from_logits: Whether `y_pred` are logits.
        label_smoothing: Squeeze labels towards `1 / num_classes`.
        axis: Class axis.
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross entropy `(1 - p**q) / q` per sample, `p` the predicted probability
    of the true class (integer labels): cross entropy as `q -> 0`, MAE as `q -> 1`."""
    labels = np.asarray(ops.convert_to_numpy(y_true))
    if labels.ndim == len(ops.shape(y_pred)):
        labels = labels[..., 0]
    one_hot = ops.one_hot(labels.astype(np.int64), ops.shape(y_pred)[-1])
    p = ops.sum(ops.multiply(y_pred, ops.cast(one_hot, ops.dtype(y_pred))), axis=-1)
    return ops.divide(ops.subtract(1.0, ops.power(p, q)), q)


categorical_generalized_cross_entropy.sparse_labels = True  # labels lack the class axis


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross entropy (Zhang & Sabuncu, 2018) on integer labels, robust to noisy
    labels.

    Args:
        q: The noise parameter in (0, 1).
        reduction: Loss reduction.
        name: Loss name.
        dtype: Computation dtype.
    """

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1). Received: q={q}")
        super().__init__(
            categorical_generalized_cross_entropy, reduction=reduction, name=name, dtype=dtype, q=q
        )
        self.q = q
