"""Keras 2 `keras.engine.sequential`."""

from minikeras.models.sequential import Sequential

__all__ = ["Sequential"]
