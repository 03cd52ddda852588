"""Normalization layers; also the Keras 2 module path `keras.layers.normalization`.

The classes live in this package's modules (e.g. `normalization.batch_normalization`); names here
resolve lazily from `minikeras.layers`, so the package doubles as the Keras 2
module of the same name.
"""

from minikeras.layers.keras2_modules import layer_forwarding

# What the Keras 2 module of this name exported.
NAMES = (
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "UnitNormalization",
)


__getattr__, __dir__ = layer_forwarding(__name__, NAMES)
