"""Legacy `keras.layers.recurrent`: recurrent layers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "RNN",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "SimpleRNNCell",
    "LSTMCell",
    "GRUCell",
    "StackedRNNCells",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
