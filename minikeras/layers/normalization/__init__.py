"""Normalization layers; also the Keras 2 module path `keras.layers.normalization`.

The classes live in this package's modules (e.g. `normalization.batch_normalization`); names here
resolve lazily from `minikeras.layers`, so the package doubles as the Keras 2
module of the same name.
"""

# What the Keras 2 module of this name exported.
NAMES = (
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
)


def __getattr__(name):
    import minikeras.layers as all_layers

    if not name.startswith("__") and name in all_layers.__dict__:
        return all_layers.__dict__[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(NAMES)
