"""Keras 2 `keras.engine.training`."""

from minikeras.models.model import Model

__all__ = ["Model"]
