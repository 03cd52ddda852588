"""Pooling layers; also the Keras 2 module path `keras.layers.pooling`.

The classes live in this package's modules (e.g. `pooling.base_pooling`); names here
resolve lazily from `minikeras.layers`, so the package doubles as the Keras 2
module of the same name.
"""

from minikeras.layers.keras2_modules import layer_forwarding

# What the Keras 2 module of this name exported.
NAMES = (
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
)


__getattr__, __dir__ = layer_forwarding(__name__, NAMES)
