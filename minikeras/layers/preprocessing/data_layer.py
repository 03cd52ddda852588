"""`DataLayer`: base of the preprocessing layers that take strings and integers.

Their inputs are Python strings, lists, NumPy string/object/integer arrays or
datasets; they have no gradients and run on plain NumPy and Python.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import KerasTensor, any_symbolic
from minikeras.layers.layer import Layer, eager_result


def to_array(data) -> np.ndarray:
    """A NumPy array of `data`: `str` arrays stay text, bytes are decoded as UTF-8."""
    if isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (str, bytes)):
        arr = np.asarray(data, dtype=object)
    elif hasattr(data, "numpy") and not isinstance(data, (list, tuple)):
        arr = np.asarray(data.numpy())
    else:
        arr = np.asarray(
            value_of(data) if not isinstance(data, (list, tuple)) else data,
            dtype=object if _has_text(data) else None,
        )
    if arr.dtype.kind == "S":
        arr = np.char.decode(arr, "utf-8").astype(object)
    elif arr.dtype.kind == "O" and arr.size and any(isinstance(v, bytes) for v in arr.flat):
        arr = np.vectorize(
            lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, otypes=[object]
        )(arr)
    elif arr.dtype.kind == "U":
        arr = arr.astype(object)
    return arr


def _has_text(data) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            return True
        if isinstance(item, (list, tuple)) and item:
            stack.append(item[0])
    return False


def iterate_batches(data, steps=None, batch_size=10_000):
    """Yields `data` in batches: arrays and lists in slices, datasets and generators as given.

    Slicing big arrays keeps `adapt` memory bounded by one batch of tokens.
    """
    if isinstance(data, (list, tuple, np.ndarray, str)):
        arr = to_array(data)
        if arr.ndim == 0:
            yield arr
            return
        for start in range(0, max(len(arr), 1), batch_size):
            yield arr[start : start + batch_size]
        return
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        if isinstance(batch, tuple) and len(batch) in (2, 3):  # (x, y) pairs: adapt on x
            batch = batch[0]
        yield to_array(batch)


class DataLayer(Layer):
    """A layer whose `call` maps arrays of strings or integers to arrays (no gradients)."""

    _output_kind = "int64"

    def __call__(self, inputs, *args, **kwargs):
        if any_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        if not isinstance(inputs, (list, tuple)) or self._array_input:
            inputs = to_array(inputs)
        if not self.built:
            self.built = True
        kwargs.pop("training", None)
        return eager_result(self.call(inputs, *args, **kwargs))

    _array_input = True  # False for layers taking a list of features (HashedCrossing)

    def build(self, input_shape=None):
        self.built = True

    def compute_output_spec(self, inputs):
        shape = self.compute_output_shape(tuple(inputs.shape))
        return KerasTensor(shape, dtype=self._output_dtype())

    def _output_dtype(self) -> str:
        return self.dtype
