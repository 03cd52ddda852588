"""`minikeras.layers`: every layer class, by its Keras name."""

from minikeras.layers.core.activation import Activation
from minikeras.layers.core.dense import Dense
from minikeras.layers.core.input_layer import Input, InputLayer
from minikeras.layers.layer import Layer
from minikeras.layers.regularization.dropout import Dropout
from minikeras.layers.reshaping.flatten import Flatten
from minikeras.layers.reshaping.reshape import Reshape


def serialize(layer) -> dict:
    """Keras-style dict of a layer: `{"class_name", "config", ...}`."""
    from minikeras.saving.serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Re-creates a layer from `serialize()` output (Keras 2 or 3 flavour)."""
    from minikeras.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "Layer",
    "Reshape",
    "deserialize",
    "serialize",
]

# Keras 1/2 module paths (`layers.convolutional`, `layers.recurrent`, ...): when no real
# submodule of that name exists, the forwarding module in `_legacy_paths/` is found instead.
__path__.append(__path__[0] + "/_legacy_paths")  # noqa: F821
