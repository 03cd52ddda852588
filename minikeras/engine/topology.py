"""Keras 2.0-2.2 `keras.engine.topology` (`Layer`, `Input`, `Network`/`Container`)."""

from minikeras.layers.core.input_layer import Input, InputLayer
from minikeras.layers.layer import Layer
from minikeras.models.functional import Functional

Network = Functional
Container = Functional

__all__ = ["Container", "Input", "InputLayer", "Layer", "Network"]
