"""Legacy `keras.layers.merge`: merging layers and their functional forms."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "Add",
    "Subtract",
    "Multiply",
    "Average",
    "Maximum",
    "Minimum",
    "Concatenate",
    "Dot",
    "add",
    "subtract",
    "multiply",
    "average",
    "maximum",
    "minimum",
    "concatenate",
    "dot",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
