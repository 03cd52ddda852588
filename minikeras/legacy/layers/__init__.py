"""Layers of Keras 1 and 2 that Keras 3 no longer has, so that old files load.

`LocallyConnected1D`/`LocallyConnected2D` (Keras 1 and 2) and Keras 1's
`Highway` and `MaxoutDense`; Keras 1's `TimeDistributedDense` is read as
`TimeDistributed(Dense)` (`legacy.saving.layer_configs`).
"""

from minikeras.legacy.layers.keras1_core import Highway, MaxoutDense
from minikeras.legacy.layers.locally_connected import LocallyConnected1D, LocallyConnected2D

LEGACY_LAYERS = {
    cls.__name__: cls for cls in (Highway, MaxoutDense, LocallyConnected1D, LocallyConnected2D)
}

__all__ = ["Highway", "LocallyConnected1D", "LocallyConnected2D", "MaxoutDense", "LEGACY_LAYERS"]
