"""`Dropout`: randomly zeroes a fraction of inputs during training."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.layers.layer import Layer
from minikeras.ops import kernels


class Dropout(Layer):
    """Applies dropout: during training, zeroes `rate` of the inputs and scales the rest.

    Args:
        rate: Float in `[0, 1)`, fraction of inputs to drop.
        noise_shape: Optional shape of the binary mask (broadcast over the input).
        seed: Optional random seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1. Received: rate={rate}"
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:  # everything dropped (Keras returns zeros, not inf * 0)
            return ops.multiply(inputs, 0.0)
        x = ops.convert_to_numpy(inputs)
        shape = x.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(x.shape, self.noise_shape))
        mask = kernels.dropout_mask(self._rng or config.rng(), shape, self.rate, x.dtype)
        return ops.multiply(inputs, mask)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed,
            }
        )
        return cfg
