"""Checks of the arrays given to `fit`/`evaluate`/`predict` against the model's inputs,
made before any layer runs, with Keras's errors (NumPy would broadcast a wrong rank
through the layers, or fail deep inside them on text)."""

from __future__ import annotations

import numpy as np

from minikeras.ops.node import flatten
from minikeras.trainers.data_adapter import is_generator_like


def check_model_inputs(model, x) -> None:
    """Raises ValueError when `x` cannot be what `model`'s inputs take: text for a model of
    numbers, or an array whose rank is not the input's (Keras's rule: one more or one
    fewer axis is accepted only as a trailing axis of size 1)."""
    if type(x) is np.ndarray and x.dtype.kind not in "USO":
        _check_rank(model, x)  # the usual case
        return
    inputs = getattr(model, "inputs", None)
    if not inputs or isinstance(x, (str, bytes)) or is_generator_like(x):
        return
    if any(str(getattr(t, "dtype", "")) in ("string", "str", "object") for t in inputs):
        return  # a text model (TextVectorization, StringLookup, ...)
    for leaf in flatten(x):
        if isinstance(leaf, np.ndarray) and leaf.size and leaf.dtype.kind in "USO":
            sample = leaf.flat[0]
            sample = sample.item() if isinstance(sample, np.generic) else sample
            if isinstance(sample, (str, bytes)):
                raise ValueError(
                    f"`x` holds text (dtype {leaf.dtype}, e.g. {sample!r}), but the model's "
                    f"inputs take numbers ({[str(t.dtype) for t in inputs]}). Turn the text "
                    "into numbers first: a `TextVectorization` or `StringLookup` layer after "
                    "an `Input(dtype='string')`, or your own encoding of the data."
                )


def _check_rank(model, x: np.ndarray) -> None:
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1 or getattr(inputs[0], "shape", None) is None:
        return
    expected = tuple(inputs[0].shape)
    if x.ndim == len(expected):
        return  # sizes that differ are the layers' to describe
    if x.ndim == len(expected) + 1 and x.shape[-1] == 1:
        return  # a trailing axis of size 1: the layers take or describe it
    if x.ndim + 1 == len(expected) and expected[-1] == 1:
        return  # a 1-D batch of one feature
    if x.ndim + 1 == len(expected) and all(
        e is None or e == d for e, d in zip(expected[1:], x.shape)
    ):
        hint = " For one sample, add the batch axis: `x[None]` or `np.expand_dims(x, 0)`."
    else:
        hint = ""
    raise ValueError(
        f"Invalid input shape for input of model '{model.name}': expected shape {expected} "
        f"(a batch of samples), but the input has incompatible shape {x.shape}.{hint}"
    )
