"""Legacy `keras.layers.normalization`: normalization layers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "BatchNormalization", "LayerNormalization",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
