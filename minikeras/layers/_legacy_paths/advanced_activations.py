"""Legacy `keras.layers.advanced_activations`: activation layers with parameters."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "LeakyReLU",
    "PReLU",
    "ELU",
    "ThresholdedReLU",
    "Softmax",
    "ReLU",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
