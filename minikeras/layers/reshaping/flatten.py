"""`Flatten`: flattens every axis but the batch axis."""

from __future__ import annotations

import math

from minikeras import ops
from minikeras.backend import config
from minikeras.layers.layer import Layer


class Flatten(Layer):
    """Flattens the input (not the batch axis).

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`; with
            channels_first the input is transposed to channels_last first, as Keras does.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = ops.transpose(inputs, (0, *range(2, len(shape)), 1))
        return ops.reshape(inputs, (shape[0], -1 if shape[0] else math.prod(shape[1:])))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        flat = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], flat)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["data_format"] = self.data_format
        return cfg
