"""Convolution layers; also the Keras 2 module path `keras.layers.convolutional`.

The classes live in this package's modules (e.g. `convolutional.conv`); names here
resolve lazily from `minikeras.layers`, so the package doubles as the Keras 2
module of the same name.
"""

from minikeras.layers.keras2_modules import layer_forwarding

# What the Keras 2 module of this name exported.
NAMES = (
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Convolution1D",
    "Convolution2D",
    "Convolution3D",
    "Convolution2DTranspose",
    "Deconvolution2D",
    "Deconvolution3D",
    "AtrousConvolution1D",
    "AtrousConvolution2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
)


__getattr__, __dir__ = layer_forwarding(__name__, NAMES)
