"""Packing and unpacking `(x, y, sample_weight)` as the training steps receive them."""

from __future__ import annotations

import numpy as np


def unpack_x_y_sample_weight(data):
    """Unpacks what a data iterator yields into `(x, y, sample_weight)`.

    Use it at the top of a custom `train_step(self, data)`: `fit` passes one batch as
    `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; missing parts come back as None.

    Args:
        data: A batch: a tuple (or list) of one to three elements, or `x` alone.

    Returns:
        The tuple `(x, y, sample_weight)`.

    Raises:
        ValueError: for a tuple of more than three elements.

    Example:
        >>> x, y, sw = unpack_x_y_sample_weight((np.ones((2, 3)), np.zeros((2, 1))))
        >>> sw is None
        True
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received a tuple of length {len(data)}."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Packs `x`, `y` and `sample_weight` the way `fit` hands a batch to `train_step`.

    Args:
        x: Inputs.
        y: Targets, or None.
        sample_weight: Per-sample weights, or None.

    Returns:
        `x` (a tuple `(x,)` when `x` itself is a tuple or list), `(x, y)` or
        `(x, y, sample_weight)`.
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def train_validation_split(arrays, validation_split: float):
    """Splits arrays (or nested lists/dicts of them) into a training and a validation part.

    The validation part is the last `validation_split` fraction of the samples, taken
    before any shuffling, as Keras does.

    Args:
        arrays: A tuple such as `(x, y, sample_weight)`; None entries stay None.
        validation_split: Fraction of the samples held out, strictly between 0 and 1.

    Returns:
        `(train_arrays, validation_arrays)`, tuples shaped like `arrays`.

    Raises:
        ValueError: if the split leaves no training or no validation samples.
    """
    from minikeras.trainers.data_adapter import num_samples, slice_data

    if isinstance(validation_split, (bool, str)) or not 0 <= validation_split < 1:
        raise ValueError(
            "`validation_split` must be a fraction in [0, 1). Received: "
            f"validation_split={validation_split!r}"
        )
    n = num_samples(tuple(a for a in arrays if a is not None))
    split = int(n * (1.0 - validation_split))
    if split == 0 or split == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or no validation "
            f"samples out of {n}. Use a fraction strictly between 0 and 1 of at least one "
            "sample each."
        )
    train = tuple(None if a is None else _slice(a, slice(0, split), slice_data) for a in arrays)
    val = tuple(None if a is None else _slice(a, slice(split, n), slice_data) for a in arrays)
    return train, val


def _slice(a, idx, slice_data):
    if isinstance(a, (list, dict)):
        return slice_data(a, idx)
    return np.asarray(a)[idx]
