"""Confusion-matrix accumulation shared by the threshold metrics (Keras 3 semantics)."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import value_of

NEG_INF = -1e10


def _without_ones(shape: tuple) -> tuple:
    return tuple(d for d in shape if d != 1)


def filter_top_k(x: np.ndarray, k: int) -> np.ndarray:
    """Keeps the `k` largest entries of the last axis; the others become −1e10."""
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(mask, order, True, axis=-1)
    return np.where(mask, x, NEG_INF)


def confusion_counts(
    y_true,
    y_pred,
    thresholds,
    sample_weight=None,
    top_k=None,
    class_id=None,
    multi_label=False,
    label_weights=None,
) -> dict:
    """Weighted TP/FP/TN/FN counts for each threshold (`y_pred > threshold`).

    Returns:
        A dict of arrays shaped `(len(thresholds),)`, or `(len(thresholds), labels)`
        when `multi_label`.
    """
    y_true = np.asarray(value_of(y_true))
    y_pred = np.asarray(value_of(y_pred), dtype=np.float32)
    if y_true.shape != y_pred.shape and _without_ones(y_true.shape) == _without_ones(y_pred.shape):
        y_true = y_true.reshape(y_pred.shape)  # they differ by size-1 axes only
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape for a confusion-matrix metric. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    sw = None
    if sample_weight is not None:
        from minikeras.losses.loss import broadcast_weights

        sw = broadcast_weights(sample_weight, y_pred.shape, np.float32)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        if sw is not None:
            sw = sw[..., class_id]
    truth = y_true.astype(bool)
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, np.float32), y_pred.shape)
        sw = lw if sw is None else sw * lw
    if multi_label:
        n_labels = y_pred.shape[-1]
        truth = truth.reshape(-1, n_labels)
        pred = y_pred.reshape(-1, n_labels)
        w = None if sw is None else sw.reshape(-1, n_labels)
    else:
        truth, pred = truth.reshape(-1, 1), y_pred.reshape(-1, 1)
        w = None if sw is None else sw.reshape(-1, 1)
    thr = np.asarray(thresholds, dtype=np.float32).reshape(-1, 1, 1)
    above = pred[None] > thr  # (T, N, L)
    weight = np.ones_like(pred) if w is None else w
    pos = (truth * weight)[None]
    neg = ((~truth) * weight)[None]
    counts = {
        "tp": np.sum(above * pos, axis=1),
        "fp": np.sum(above * neg, axis=1),
        "fn": np.sum(~above * pos, axis=1),
        "tn": np.sum(~above * neg, axis=1),
    }
    if not multi_label:
        counts = {k: v[:, 0] for k, v in counts.items()}
    return {k: v.astype(np.float64) for k, v in counts.items()}


def divide_no_nan(a, b):
    """`a / b`, 0 where `b == 0`."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    safe = np.where(b == 0, 1.0, b)
    return np.where(b == 0, 0.0, a / safe)


def as_thresholds(thresholds, default=0.5) -> list[float]:
    """A list of float thresholds from `None`, a float or a list.

    Raises:
        ValueError: for a threshold outside [0, 1].
    """
    if thresholds is None:
        thresholds = [default]
    if isinstance(thresholds, (int, float)):
        thresholds = [thresholds]
    thresholds = [float(t) for t in thresholds]
    for t in thresholds:
        if t < 0 or t > 1:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds}")
    return thresholds
