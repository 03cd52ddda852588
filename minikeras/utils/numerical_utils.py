"""`to_categorical` and `normalize`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def to_categorical(x: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """Converts integer class labels to a one-hot float32 matrix.

    Args:
        x: Array-like of class indices (0 to num_classes - 1).
        num_classes: Total number of classes; inferred as `max(x) + 1` if None.

    Raises:
        ValueError: for negative labels or labels ≥ `num_classes`.
    """
    x = np.asarray(x)
    if x.dtype.kind == "f":
        if not np.all(np.equal(np.mod(x, 1), 0)):
            raise ValueError(
                "to_categorical expects integer class labels; received floats "
                "with a fractional part."
            )
    x = x.astype("int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(
            f"Labels must be in [0, num_classes={num_classes}). Received labels in "
            f"[{int(x.min())}, {int(x.max())}]."
        )
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1
    return out.reshape((*shape, num_classes))


def normalize(x, axis=-1, order=2):
    """Normalizes `x` to unit `order`-norm along `axis` (zeros stay zeros)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
