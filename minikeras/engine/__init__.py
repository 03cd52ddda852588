"""Keras 2 `keras.engine`: where `Layer`, `Input` and `Model` used to live."""

from minikeras.layers.core.input_layer import Input, InputLayer
from minikeras.layers.layer import Layer
from minikeras.models.functional import Functional
from minikeras.models.model import Model
from minikeras.models.sequential import Sequential

__all__ = ["Functional", "Input", "InputLayer", "Layer", "Model", "Sequential"]
