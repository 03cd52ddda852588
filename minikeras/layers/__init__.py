"""`minikeras.layers`: every layer class, by its Keras name."""

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
from minikeras.layers.core.activation import Activation
from minikeras.layers.core.dense import Dense
from minikeras.layers.core.input_layer import Input, InputLayer
from minikeras.layers.layer import Layer
from minikeras.layers.normalization.batch_normalization import (
    BatchNormalization,
)
from minikeras.layers.normalization.group_normalization import (
    GroupNormalization,
)
from minikeras.layers.normalization.layer_normalization import (
    LayerNormalization,
)
from minikeras.layers.normalization.unit_normalization import (
    UnitNormalization,
)
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
from minikeras.layers.preprocessing.image_size import (
    CenterCrop,
    Resizing,
)
from minikeras.layers.preprocessing.normalization import (
    Normalization,
)
from minikeras.layers.preprocessing.rescaling import (
    Rescaling,
)
from minikeras.layers.regularization.dropout import Dropout
from minikeras.layers.reshaping.flatten import Flatten
from minikeras.layers.reshaping.padding_cropping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from minikeras.layers.reshaping.reshape import Reshape
from minikeras.layers.reshaping.up_sampling import (
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
)


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
    "AtrousConvolution1D",
    "AtrousConvolution2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BatchNormalization",
    "CenterCrop",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution1DTranspose",
    "Convolution1D",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Deconvolution2D",
    "Deconvolution3D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GroupNormalization",
    "LayerNormalization",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "Normalization",
    "Rescaling",
    "Resizing",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "UnitNormalization",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]
