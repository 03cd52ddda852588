"""`TensorSpec`: the shape and dtype of one component of a dataset element."""

from __future__ import annotations

import numpy as np

from minikeras.backend.tensor_shape import TensorShape


def dtype_name(dtype) -> str:
    """TensorFlow's name for a NumPy dtype (`float32`, `string`, ...)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "USO":
        return "string"
    return dtype.name


class TensorSpec:
    """Describes a tensor: `tf.TensorSpec(shape, dtype=tf.float32, name=None)`.

    Args:
        shape: A shape; None dimensions are unknown.
        dtype: The dtype (default float32).
        name: Optional name.
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        dtype = getattr(dtype, "as_numpy_dtype", dtype)
        self.dtype = np.dtype(str) if dtype in (str, bytes, "string") else np.dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None) -> TensorSpec:
        arr = np.asarray(tensor)
        return cls(arr.shape, arr.dtype, name)

    def is_compatible_with(self, other) -> bool:
        """True when dtypes match and the shapes are compatible."""
        if isinstance(other, TensorSpec):
            return dtype_name(self.dtype) == dtype_name(
                other.dtype
            ) and self.shape.is_compatible_with(other.shape)
        arr = np.asarray(other)
        return dtype_name(self.dtype) == dtype_name(arr.dtype) and self.shape.is_compatible_with(
            arr.shape
        )

    def most_specific_common_supertype(self, others):
        shape = self.shape
        for o in others:
            if len(o.shape) != len(shape):
                return TensorSpec(None, self.dtype, self.name)
            shape = TensorShape([a if a == b else None for a, b in zip(shape, o.shape)])
        return TensorSpec(shape, self.dtype, self.name)

    def __eq__(self, other):
        return (
            isinstance(other, TensorSpec)
            and self.shape == other.shape
            and dtype_name(self.dtype) == dtype_name(other.dtype)
            and self.name == other.name
        )

    def __hash__(self):
        return hash((tuple(self.shape), dtype_name(self.dtype), self.name))

    def __repr__(self) -> str:
        name = "None" if self.name is None else repr(self.name)
        return f"TensorSpec(shape={self.shape}, dtype=tf.{dtype_name(self.dtype)}, name={name})"


def spec_of(leaf: np.ndarray) -> TensorSpec:
    return TensorSpec(leaf.shape, leaf.dtype)
