"""More `keras.ops.nn`: `multi_hot` encoding."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: a 1 in every column that one of the last-axis labels names.

    Args:
        inputs: Integer labels, shape `(batch, n)` or `(n,)`.
        num_classes: Number of columns (Keras 2's `num_tokens` is accepted too).
        axis: Where the class axis goes.
        dtype: Output dtype (default `floatx`).

    Example:
        >>> multi_hot(np.array([[0, 2], [1, 1]]), 4)
        array([[1., 0., 1., 0.],
               [0., 1., 0., 0.]], dtype=float32)
    """
    num_classes = kwargs.pop("num_tokens", num_classes)
    if num_classes is None:
        raise ValueError("`multi_hot` needs `num_classes`. Received: num_classes=None")
    idx = np.asarray(value_of(inputs)).astype(np.intp)
    batched = idx.ndim > 1
    rows = idx if batched else idx[None]
    out = np.zeros((rows.shape[0], num_classes), dtype=dtype or config.floatx())
    np.put_along_axis(out, rows.reshape(rows.shape[0], -1), 1, axis=-1)
    out = out if batched else out[0]
    return out if axis == -1 else np.moveaxis(out, -1, axis)


__all__ = ["multi_hot"]
