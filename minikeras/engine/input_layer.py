"""Keras 2 `keras.engine.input_layer`."""

from minikeras.layers.core.input_layer import Input, InputLayer

__all__ = ["Input", "InputLayer"]
