"""Matching the rank of model inputs to the model's declared input shape (as Keras does)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import KerasTensor


def adjust_input_rank(x, ref_shape):
    """Expands or squeezes a trailing size-1 axis so that `x` has the rank of `ref_shape`.

    `model.fit(xs, ys)` with `xs` of shape `(n,)` and an input of shape `(None, 1)`
    works in Keras 2 and 3 alike: a 1-D array is taken as `n` samples of one feature.
    Any other rank mismatch is left for the layers to report.

    Args:
        x: The data passed to the model (array, Variable or tape Tensor).
        ref_shape: The model input's shape, batch dimension included.

    Returns:
        `x`, possibly with its last axis added or removed.
    """
    if isinstance(x, KerasTensor) or ref_shape is None:
        return x
    rank, ref_rank = np.ndim(value_of(x)), len(ref_shape)
    if rank == ref_rank - 1 and ref_shape[-1] == 1:
        return ops.expand_dims(x, -1)
    if rank == ref_rank + 1 and np.shape(value_of(x))[-1] == 1:
        return ops.squeeze(x, -1)
    return x
