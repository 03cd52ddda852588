"""Weight regularizers: `l1`, `l2`, `l1_l2`, `orthogonal_regularizer`."""

from __future__ import annotations

from minikeras import ops
from minikeras.utils.module_lookup import (
    deserialize_keras_object,
    get_keras_object,
    serialize_keras_object,
)


class Regularizer:
    """Base class: `regularizer(weight) -> scalar penalty` added to the training loss."""

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x**2)`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = float(l1 or 0.0)
        self.l2 = float(l2 or 0.0)

    def __call__(self, x):
        total = 0.0
        if self.l1:
            total = ops.add(total, ops.multiply(self.l1, ops.sum(ops.abs(x))))
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(|x|)` (default 0.01)."""

    def __init__(self, l1=0.01):
        self.l1 = float(l1)

    def __call__(self, x):
        return ops.multiply(self.l1, ops.sum(ops.abs(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(x**2)` (default 0.01)."""

    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2-D kernel."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = float(factor)
        self.mode = mode

    def __call__(self, x):
        x = x if self.mode == "rows" else ops.transpose(x)
        n = ops.normalize(x, axis=1)
        prod = ops.matmul(n, ops.transpose(n))
        size = ops.shape(prod)[0]
        off = ops.sum(ops.abs(ops.multiply(prod, 1 - ops.eye(size))))
        return ops.multiply(self.factor * 0.5 / max(1, size * (size - 1) / 2), off)

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


def l1_l2(l1=0.01, l2=0.01):
    """Keras 2 helper: an `L1L2` regularizer (both default 0.01)."""
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer
ALL_REGULARIZERS = {c.__name__: c for c in (Regularizer, L1L2, L1, L2, OrthogonalRegularizer)}
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


def serialize(regularizer):
    """Keras-style dict of a regularizer (None → None)."""
    if regularizer is None:
        return None
    return serialize_keras_object(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    """Builds a regularizer from a Keras dict or name."""
    if isinstance(config, str):
        return get(config, custom_objects)
    return deserialize_keras_object(
        config, "regularizer", ALL_REGULARIZERS, _ALIASES, custom_objects
    )


def get(identifier, custom_objects=None):
    """Returns a regularizer from a name, dict, instance, class or callable (None → None)."""
    return get_keras_object(
        identifier,
        "regularizer",
        ALL_REGULARIZERS,
        _ALIASES,
        deserialize,
        Regularizer,
        custom_objects,
    )
