"""Keras 2 `keras.engine.functional`."""

from minikeras.models.functional import Functional

__all__ = ["Functional"]
