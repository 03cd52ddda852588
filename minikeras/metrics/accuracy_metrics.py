"""Accuracy metrics: binary, categorical, sparse categorical, top-k, exact match."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.metrics.metric import MeanMetricWrapper
from minikeras.ops.kernels import typed_scalar


def _per_sample(hits: np.ndarray):
    """The fraction of hits per sample: the mean over the last axis, except for rank-1
    inputs, whose every entry is a sample of its own (as in Keras 3)."""
    return ops.mean(hits, axis=-1) if hits.ndim > 1 else hits


def accuracy(y_true, y_pred):
    """Fraction of exactly equal entries (per sample)."""
    return _per_sample(np.equal(y_true, y_pred).astype("float32"))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of entries where `y_pred > threshold` equals the 0/1 label."""
    y_pred = (np.asarray(y_pred) > threshold).astype(np.float32)
    return _per_sample(np.equal(np.asarray(y_true, dtype=np.float32), y_pred).astype(np.float32))


def categorical_accuracy(y_true, y_pred):
    """1 where the arg-max of the prediction equals the arg-max of the one-hot label."""
    return np.equal(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1)).astype("float32")


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the arg-max of the prediction equals the integer label."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_true.ndim == y_pred.ndim and y_pred.shape[-1] != 1:
        y_true = np.argmax(y_true, axis=-1)
    return np.equal(y_true.astype(np.int64), np.argmax(y_pred, axis=-1)).astype("float32")


def _binary_accuracy_count(y_true, y_pred, threshold=0.5):
    """`binary_accuracy` summed over a batch of single-unit rows, or None if not that case."""
    if y_pred.ndim != 2 or y_pred.shape[-1] != 1 or y_true.shape != y_pred.shape:
        return None
    if y_true.dtype.kind not in "iub":  # an integer equals the 0/1 hit exactly when cast
        y_true = np.asarray(y_true, dtype=np.float32)
    if y_pred.dtype.kind == "f":  # the same comparison, with the threshold pre-cast
        threshold = typed_scalar(threshold, y_pred.dtype)
    return np.count_nonzero(np.equal(y_true, y_pred > threshold))


def _categorical_accuracy_count(y_true, y_pred):
    """`categorical_accuracy` summed over a 2-D batch, or None if not that case."""
    if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
        return None
    return np.count_nonzero(np.equal(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1)))


def _sparse_categorical_accuracy_count(y_true, y_pred):
    """`sparse_categorical_accuracy` summed over a 2-D batch, or None if not that case."""
    n = y_pred.shape[0] if y_pred.ndim == 2 else -1
    if y_true.shape != (n,) and y_true.shape != (n, 1):
        return None
    labels = y_true.reshape(n).astype(np.int64)
    return np.count_nonzero(np.equal(labels, np.argmax(y_pred, axis=-1)))


# Per-sample values of these metrics are exactly 0 or 1 in the cases the counters accept,
# so their sum is an exact count: `MeanMetricWrapper` adds it without building the values.
EXACT_COUNTS = {
    binary_accuracy: _binary_accuracy_count,
    categorical_accuracy: _categorical_accuracy_count,
    sparse_categorical_accuracy: _sparse_categorical_accuracy_count,
}


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot label's class is among the `k` highest predictions."""
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label is among the `k` highest predictions."""
    y_true = np.asarray(y_true).reshape(np.shape(y_pred)[:-1]).astype(np.int64)
    top = np.argsort(-np.asarray(y_pred), axis=-1, kind="stable")[..., :k]
    return np.any(top == y_true[..., None], axis=-1).astype("float32")


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is in the top `k` predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is in the top `k` predictions."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
