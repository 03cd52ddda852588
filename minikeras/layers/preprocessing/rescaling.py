"""`Rescaling`: `inputs * scale + offset` (e.g. 1/255 for images)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.layer import Layer


class Rescaling(Layer):
    """Multiplies inputs by `scale` and adds `offset`, casting to the layer dtype.

    Args:
        scale: Float (or per-channel list).
        offset: Float (or per-channel list).
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, self.dtype)
        scale = np.asarray(self.scale, dtype=self.dtype)
        offset = np.asarray(self.offset, dtype=self.dtype)
        return ops.add(ops.multiply(x, scale), offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"scale": self.scale, "offset": self.offset})
        return cfg
