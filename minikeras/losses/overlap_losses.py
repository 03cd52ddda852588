"""Overlap losses for segmentation: Dice and Tversky."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.losses.loss import LossFunctionWrapper


def dice(y_true, y_pred, axis=None):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)` over `axis`."""
    y_true = np.asarray(ops.convert_to_numpy(y_true))
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    denom = ops.add(
        ops.add(ops.sum(y_pred, axis=axis), np.sum(y_true, axis=axis)), config.epsilon()
    )
    return ops.subtract(1.0, ops.divide(ops.multiply(intersection, 2.0), denom))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """`1 - TP / (TP + alpha * FP + beta * FN + eps)`, a generalisation of Dice."""
    y_true = np.asarray(ops.convert_to_numpy(y_true))
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    fn = ops.sum(ops.multiply(y_pred, 1.0 - y_true), axis=axis)
    denom = ops.add(
        ops.add(
            ops.add(intersection, ops.multiply(fp, float(alpha))), ops.multiply(fn, float(beta))
        ),
        config.epsilon(),
    )
    return ops.subtract(1.0, ops.divide(intersection, denom))


class Dice(LossFunctionWrapper):
    """Dice loss; `axis=None` reduces over all axes (one value per batch)."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(LossFunctionWrapper):
    """Tversky loss with false-positive weight `alpha` and false-negative weight `beta`."""

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
