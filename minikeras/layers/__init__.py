"""`minikeras.layers`: every layer class, by its Keras name."""

from minikeras.layers.activations.activation_layers import (
    ELU,
    LeakyReLU,
    PReLU,
    ReLU,
    Softmax,
    ThresholdedReLU,
)
from minikeras.layers.core.activation import Activation
from minikeras.layers.core.dense import Dense
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
from minikeras.layers.reshaping.permute import Permute
from minikeras.layers.reshaping.repeat_vector import RepeatVector
from minikeras.layers.reshaping.reshape import Reshape
from minikeras.layers.rnn.bidirectional import Bidirectional
from minikeras.layers.rnn.conv_lstm import ConvLSTM2D, ConvLSTM2DCell
from minikeras.layers.rnn.gru import GRU, GRUCell
from minikeras.layers.rnn.lstm import LSTM, LSTMCell
from minikeras.layers.rnn.rnn import RNN
from minikeras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from minikeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
from minikeras.layers.rnn.time_distributed import TimeDistributed


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
]
