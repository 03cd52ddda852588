"""Legacy `keras.layers.local`: locally-connected layers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "LocallyConnected1D",
    "LocallyConnected2D",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
