"""`_keras_mask` on the KerasTensors of a functional graph, as Keras shows masks while building."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import KerasTensor


def _input_mask(inputs):
    return getattr(inputs, "_keras_mask", None) if isinstance(inputs, KerasTensor) else None


def _concrete(shape, fill: int, dtype):
    if isinstance(shape, list):
        return [_concrete(s, fill, d) for s, d in zip(shape, dtype)]
    return np.zeros(tuple(fill if d is None else d for d in shape), dtype=dtype)


def _spec(inputs):
    if isinstance(inputs, (list, tuple)):
        pairs = [_spec(e) for e in inputs]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return tuple(inputs.shape), inputs.dtype


def _trial_masks(layer, inputs, in_mask):
    """The layer's `compute_mask` on zeros, at two sizes for the unknown dimensions."""
    shape, dtype = _spec(inputs)
    results = []
    for fill in (2, 3):
        x = _concrete(shape, fill, dtype)
        mask = None
        if in_mask is not None:
            mask = np.ones(tuple(fill if d is None else d for d in in_mask.shape), bool)
        results.append(layer.compute_mask(x, mask))
    return results


def _as_keras_tensor(a, b):
    if a is None or b is None:
        return None
    sa, sb = np.shape(value_of(a)), np.shape(value_of(b))
    return KerasTensor(tuple(x if x == y else None for x, y in zip(sa, sb)), dtype="bool")


def attach_symbolic_mask(layer, inputs, outputs) -> None:
    """Sets `_keras_mask` on `outputs` (KerasTensors) when `layer` gives them a mask.

    A layer with its own `compute_mask` (Embedding with `mask_zero`, Masking, a
    custom layer) is asked on zeros of the input's shape, and the mask's shape
    is read from the answer; a layer that supports masking passes its input's
    mask on. Nothing is set where the layer gives no mask.
    """
    from minikeras.layers.layer import Layer

    in_mask = _input_mask(inputs)
    if type(layer).compute_mask is Layer.compute_mask:
        mask = in_mask if layer.supports_masking else None
        if mask is not None and isinstance(outputs, KerasTensor):
            outputs._keras_mask = mask
        return
    try:
        first, second = _trial_masks(layer, inputs, in_mask)
    except Exception:  # a mask that needs real values: the graph still carries it at run time
        return
    if isinstance(outputs, (list, tuple)):
        if not isinstance(first, (list, tuple)) or len(first) != len(outputs):
            return
        for out, a, b in zip(outputs, first, second):
            mask = _as_keras_tensor(a, b)
            if mask is not None:
                out._keras_mask = mask
    elif isinstance(outputs, KerasTensor):
        mask = _as_keras_tensor(first, second)
        if mask is not None:
            outputs._keras_mask = mask
