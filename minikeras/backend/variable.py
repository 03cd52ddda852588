"""`Variable`: a named, mutable NumPy array that layers and optimizers own."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.operators import ArrayOperatorsMixin


class Variable(ArrayOperatorsMixin):
    """A mutable array holding model state (weights, optimizer slots, counters).

    Ops accept a `Variable` wherever they accept an array. Inside a
    `GradientTape`, reading a trainable variable records it as a leaf so that
    gradients can be taken with respect to it.

    Args:
        initializer: An array, a scalar, or a callable `(shape, dtype) -> array`.
        shape: Shape, required when `initializer` is callable.
        dtype: Dtype of the variable; defaults to `floatx()`.
        trainable: Whether gradients are taken for it during training.
        name: Short name (e.g. `"kernel"`).
        path: Full path (e.g. `"dense/kernel"`); defaults to `name`.
    """

    __array_priority__ = 100
    __slots__ = ("value", "trainable", "name", "path", "constraint", "regularizer", "__weakref__")

    def __init__(
        self, initializer=None, shape=None, dtype=None, trainable=True, name=None, path=None
    ):
        dtype = config.standardize_dtype(dtype)
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from a callable initializer, `shape` must be "
                    "specified. Received: shape=None"
                )
            value = initializer(tuple(shape), dtype=dtype)
        else:
            value = initializer if initializer is not None else np.zeros(shape or (), dtype)
        value = np.array(value, dtype=dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Initial value for variable '{name}' has shape {value.shape}, "
                f"expected shape {tuple(shape)}"
            )
        self.value = value
        self.trainable = bool(trainable)
        self.name = name or "variable"
        self.path = path or self.name
        self.constraint = None
        self.regularizer = None

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self) -> int:
        return self.value.ndim

    def numpy(self) -> np.ndarray:
        """Returns a copy of the value."""
        return self.value.copy()

    def assign(self, value) -> None:
        """Sets the value, keeping the variable's shape and dtype.

        Raises:
            ValueError: if the new value's shape differs.
        """
        value = np.asarray(value.value if isinstance(value, Variable) else value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"The shape of the target variable and the shape of the value to assign "
                f"must match. Variable '{self.path}' has shape {self.value.shape}; "
                f"received value of shape {value.shape}"
            )
        np.copyto(self.value, value, casting="unsafe")

    def assign_add(self, value) -> None:
        self.value += np.asarray(value, dtype=self.value.dtype)

    def assign_sub(self, value) -> None:
        self.value -= np.asarray(value, dtype=self.value.dtype)

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __len__(self) -> int:
        return len(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self.value.shape}, "
            f"dtype={self.value.dtype.name}, value={self.value}>"
        )
