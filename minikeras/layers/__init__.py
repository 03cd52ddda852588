"""`minikeras.layers`: every layer class, by its Keras name."""

from typing import TYPE_CHECKING

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.layers.activations.activation_layers import (
        ELU,
        LeakyReLU,
        PReLU,
        ReLU,
        Softmax,
        ThresholdedReLU,
    )
    from minikeras.layers.attention.attention import AdditiveAttention, Attention
    from minikeras.layers.attention.grouped_query_attention import (
        GroupedQueryAttention,
        GroupQueryAttention,
    )
    from minikeras.layers.attention.multi_head_attention import MultiHeadAttention
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
    from minikeras.layers.core.einsum_dense import EinsumDense
    from minikeras.layers.core.embedding import Embedding, Masking
    from minikeras.layers.core.identity import Identity
    from minikeras.layers.core.input_layer import Input, InputLayer
    from minikeras.layers.core.lambda_layer import Lambda
    from minikeras.layers.layer import Layer
    from minikeras.layers.merging.concatenate import Concatenate, concatenate
    from minikeras.layers.merging.dot import Dot, dot
    from minikeras.layers.merging.merging import (
        Add,
        Average,
        Maximum,
        Minimum,
        Multiply,
        Subtract,
        add,
        average,
        maximum,
        minimum,
        multiply,
        subtract,
    )
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
    from minikeras.layers.preprocessing.category_encoding import CategoryEncoding
    from minikeras.layers.preprocessing.discretization import Discretization
    from minikeras.layers.preprocessing.hashed_crossing import HashedCrossing
    from minikeras.layers.preprocessing.hashing import Hashing
    from minikeras.layers.preprocessing.image_augmentation.affine_augmentations import (
        RandomRotation,
        RandomShear,
        RandomTranslation,
        RandomZoom,
    )
    from minikeras.layers.preprocessing.image_augmentation.color_augmentations import (
        RandomBrightness,
        RandomContrast,
        RandomGrayscale,
        Solarization,
    )
    from minikeras.layers.preprocessing.image_augmentation.geometric_augmentations import (
        RandomCrop,
        RandomFlip,
        RandomHeight,
        RandomWidth,
    )
    from minikeras.layers.preprocessing.image_augmentation.hsv_augmentations import (
        RandomColorJitter,
        RandomHue,
        RandomSaturation,
    )
    from minikeras.layers.preprocessing.image_augmentation.mixing_augmentations import (
        CutMix,
        MixUp,
        RandomErasing,
    )
    from minikeras.layers.preprocessing.image_augmentation.perspective_augmentation import (
        RandomElasticTransform,
        RandomPerspective,
    )
    from minikeras.layers.preprocessing.image_augmentation.pipeline_layers import (
        AutoContrast,
        Pipeline,
    )
    from minikeras.layers.preprocessing.image_augmentation.quality_augmentations import (
        RandomColorDegeneration,
        RandomGaussianBlur,
        RandomSharpness,
    )
    from minikeras.layers.preprocessing.image_augmentation.rand_augment import AugMix, RandAugment
    from minikeras.layers.preprocessing.image_augmentation.tone_augmentations import (
        Equalization,
        RandomInvert,
        RandomPosterization,
    )
    from minikeras.layers.preprocessing.image_size import (
        CenterCrop,
        Resizing,
    )
    from minikeras.layers.preprocessing.integer_lookup import IntegerLookup
    from minikeras.layers.preprocessing.normalization import (
        Normalization,
    )
    from minikeras.layers.preprocessing.rescaling import (
        Rescaling,
    )
    from minikeras.layers.preprocessing.string_lookup import StringLookup
    from minikeras.layers.preprocessing.text_vectorization import TextVectorization
    from minikeras.layers.regularization.dropout import Dropout
    from minikeras.layers.regularization.noise import (
        ActivityRegularization,
        AlphaDropout,
        GaussianDropout,
        GaussianNoise,
        SpatialDropout1D,
        SpatialDropout2D,
        SpatialDropout3D,
    )
    from minikeras.layers.reshaping.flatten import Flatten
    from minikeras.layers.reshaping.padding_cropping import (
        Cropping1D,
        Cropping2D,
        Cropping3D,
        ZeroPadding1D,
        ZeroPadding2D,
        ZeroPadding3D,
    )
    from minikeras.layers.reshaping.permute import Permute
    from minikeras.layers.reshaping.repeat_vector import RepeatVector
    from minikeras.layers.reshaping.reshape import Reshape
    from minikeras.layers.reshaping.up_sampling import (
        UpSampling1D,
        UpSampling2D,
        UpSampling3D,
    )
    from minikeras.layers.rnn.bidirectional import Bidirectional
    from minikeras.layers.rnn.conv_lstm import ConvLSTM2D, ConvLSTM2DCell
    from minikeras.layers.rnn.gru import GRU, GRUCell
    from minikeras.layers.rnn.lstm import LSTM, LSTMCell
    from minikeras.layers.rnn.rnn import RNN
    from minikeras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
    from minikeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
    from minikeras.layers.rnn.time_distributed import TimeDistributed

    # tf_keras 2.x layers that Keras 3 dropped (their code lives with the Keras 1/2 support).
    from minikeras.legacy.layers.locally_connected import (
        LocallyConnected1D,
        LocallyConnected2D,
    )

__getattr__, __dir__ = _lazy_imports(__name__)


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
    "Concatenate",
    "concatenate",
    "Dot",
    "dot",
    "Add",
    "Average",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "ConvLSTM2D",
    "ConvLSTM2DCell",
    "ELU",
    "PReLU",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "ThresholdedReLU",
    "Embedding",
    "Masking",
    "Identity",
    "Lambda",
    "ActivityRegularization",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "Permute",
    "RepeatVector",
    "Bidirectional",
    "TimeDistributed",
    "AtrousConvolution1D",
    "AtrousConvolution2D",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Convolution1D",
    "Convolution2D",
    "Convolution3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "Convolution1DTranspose",
    "Convolution2DTranspose",
    "Convolution3DTranspose",
    "Deconvolution2D",
    "Deconvolution3D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "BatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "UnitNormalization",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
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
    "CenterCrop",
    "Resizing",
    "Normalization",
    "Rescaling",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "EinsumDense",
    "MultiHeadAttention",
    "Attention",
    "AdditiveAttention",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "CategoryEncoding",
    "Discretization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "StringLookup",
    "TextVectorization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomGrayscale",
    "RandomColorJitter",
    "RandomHue",
    "RandomSaturation",
    "CutMix",
    "MixUp",
    "RandomErasing",
    "Equalization",
    "RandomInvert",
    "RandomPosterization",
    "RandomColorDegeneration",
    "RandomSharpness",
    "RandAugment",
    "RandomPerspective",
    "RandomElasticTransform",
    "RandomGaussianBlur",
    "AugMix",
    "RandomHeight",
    "RandomRotation",
    "RandomShear",
    "RandomTranslation",
    "RandomWidth",
    "RandomZoom",
    "Solarization",
    "AutoContrast",
    "Pipeline",
]

# Keras 1/2 module paths (`layers.convolutional`, `layers.recurrent`, ...): when no real
# submodule of that name exists, the forwarding module in `_legacy_paths/` is found instead.
__path__.append(__path__[0] + "/_legacy_paths")  # noqa: F821
