"""Normalization layers."""

from minikeras.layers.normalization.batch_normalization import (
    BatchNormalization,
)
from minikeras.layers.normalization.group_normalization import (
    GroupNormalization,
)
from minikeras.layers.normalization.layer_normalization import (
    LayerNormalization,
)
from minikeras.layers.normalization.unit_normalization import (
    UnitNormalization,
)


def __getattr__(name):
    """Keras 2 module path: `keras.layers.<this module>` also exposed related layers
    (e.g. `keras.layers.convolutional.MaxPooling2D`); any `minikeras.layers` name resolves."""
    import minikeras.layers as all_layers

    if not name.startswith("__") and name in all_layers.__dict__:
        return all_layers.__dict__[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
