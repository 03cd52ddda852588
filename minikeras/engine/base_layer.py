"""Keras 2 `keras.engine.base_layer`."""

from minikeras.layers.layer import Layer

__all__ = ["Layer"]
