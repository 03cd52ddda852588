"""Convolutional layers."""

from minikeras.layers.convolutional.conv import (
    AtrousConvolution1D,
    AtrousConvolution2D,
    Conv1D,
    Conv2D,
    Conv3D,
    Convolution1D,
    Convolution2D,
    Convolution3D,
)
from minikeras.layers.convolutional.conv_transpose import (
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
    Convolution1DTranspose,
    Convolution2DTranspose,
    Convolution3DTranspose,
    Deconvolution2D,
    Deconvolution3D,
)
from minikeras.layers.convolutional.depthwise_conv import (
    DepthwiseConv1D,
    DepthwiseConv2D,
)
from minikeras.layers.convolutional.separable_conv import (
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)


def __getattr__(name):
    """Keras 2 module path: `keras.layers.<this module>` also exposed related layers
    (e.g. `keras.layers.convolutional.MaxPooling2D`); any `minikeras.layers` name resolves."""
    import minikeras.layers as all_layers

    if not name.startswith("__") and name in all_layers.__dict__:
        return all_layers.__dict__[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
