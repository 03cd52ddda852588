"""Legacy `keras.layers.wrappers`: layer wrappers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "Wrapper",
    "TimeDistributed",
    "Bidirectional",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
