"""Legacy `keras.layers.noise`: noise layers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
