"""`UnitNormalization`: scales each sample to unit L2 norm over `axis`."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class UnitNormalization(Layer):
    """Divides inputs by their L2 norm over `axis` (`x / sqrt(max(sum(x**2), 1e-12))`).

    Args:
        axis: Int or list of ints.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis) if isinstance(axis, int) else [int(a) for a in axis]
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        axis = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        return ops.normalize(inputs, axis=axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
