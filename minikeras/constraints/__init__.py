"""Weight constraints applied after each optimizer update."""

from __future__ import annotations

import numpy as np

from minikeras.utils.module_lookup import (
    deserialize_keras_object,
    get_keras_object,
    serialize_keras_object,
)


class Constraint:
    """Base class: `constraint(w) -> projected w` (NumPy in, NumPy out)."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Caps the norm of the weights incident to each unit at `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Zeroes negative weights."""

    def __call__(self, w):
        return w * (w >= 0)


class UnitNorm(Constraint):
    """Scales the weights incident to each unit to norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps each unit's norm in `[min_value, max_value]` (blended by `rate`)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (
            self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return w * (desired / (1e-7 + norms))

    def get_config(self) -> dict:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
ALL_CONSTRAINTS = {c.__name__: c for c in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_ALIASES = {
    "max_norm": MaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    "min_max_norm": MinMaxNorm,
    "maxnorm": MaxNorm,
    "nonneg": NonNeg,
    "unitnorm": UnitNorm,
}


def serialize(constraint):
    """Keras-style dict of a constraint (None → None)."""
    if constraint is None:
        return None
    return serialize_keras_object(constraint, "keras.constraints")


def deserialize(config, custom_objects=None):
    """Builds a constraint from a Keras dict or name."""
    if isinstance(config, str):
        return get(config, custom_objects)
    return deserialize_keras_object(config, "constraint", ALL_CONSTRAINTS, _ALIASES, custom_objects)


def get(identifier, custom_objects=None):
    """Returns a constraint from a name, dict, instance, class or callable (None → None)."""
    return get_keras_object(
        identifier, "constraint", ALL_CONSTRAINTS, _ALIASES, deserialize, Constraint, custom_objects
    )
