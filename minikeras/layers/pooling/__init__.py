"""Pooling layers."""

from minikeras.layers.pooling.base_pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from minikeras.layers.pooling.global_pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
)


def __getattr__(name):
    """Keras 2 module path: `keras.layers.<this module>` also exposed related layers
    (e.g. `keras.layers.convolutional.MaxPooling2D`); any `minikeras.layers` name resolves."""
    import minikeras.layers as all_layers

    if not name.startswith("__") and name in all_layers.__dict__:
        return all_layers.__dict__[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
