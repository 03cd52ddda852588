"""Legacy `keras.layers.embeddings`: the Embedding layer."""

from minikeras.layers._legacy_paths import forwarder

NAMES = ("Embedding",)

__getattr__, __dir__ = forwarder(__name__, NAMES)
