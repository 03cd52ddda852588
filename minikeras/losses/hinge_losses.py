"""Hinge losses: hinge, squared hinge, categorical hinge."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.losses.loss import LossFunctionWrapper


def convert_binary_labels_to_hinge(y_true):
    """Maps 0/1 labels to −1/1 (labels that are not all 0/1 are returned unchanged)."""
    y = np.asarray(ops.convert_to_numpy(y_true))
    if np.all((y == 0) | (y == 1)):
        return (2.0 * y - 1.0).astype(y.dtype)
    return y


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)` with −1/1 (or 0/1) labels."""
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`."""
    y_true = convert_binary_labels_to_hinge(y_true)
    margin = ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)` (one-hot labels)."""
    y_true = np.asarray(ops.convert_to_numpy(y_true))
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(1.0 - y_true, y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss (labels −1/1; 0/1 labels are converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (labels −1/1; 0/1 labels are converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss (one-hot labels)."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
