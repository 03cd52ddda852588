"""Noise and structured-dropout layers: SpatialDropout1D/2D/3D, Gaussian*, AlphaDropout."""

from __future__ import annotations

import math

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.layers.layer import Layer
from minikeras.layers.regularization.dropout import Dropout


def _check_rate(rate):
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(
            "Invalid value received for argument `rate`. Expected a float value between 0 and "
            f"1. Received: rate={rate}"
        )
    return float(rate)


class _SpatialDropout(Dropout):
    rank = 1

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        kwargs.pop("noise_shape", None)
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = data_format or config.image_data_format()

    def call(self, inputs, training=False):
        shape = ops.shape(inputs)
        if len(shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} expects inputs of rank {self.rank + 2} (batch, "
                f"{'spatial, ' * self.rank}channels); received shape {tuple(shape)}"
            )
        if not training or self.rate == 0:
            return inputs
        if self.data_format == "channels_first" and self.rank > 1:
            noise_shape = (shape[0], shape[1], *([1] * self.rank))
        else:
            noise_shape = (shape[0], *([1] * self.rank), shape[-1])
        rng = self._rng or config.rng()
        keep = rng.random(noise_shape, dtype=np.float32) >= self.rate
        scale = np.asarray(1.0 / (1.0 - self.rate), dtype=ops.dtype(inputs))
        return ops.multiply(inputs, keep * scale)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("noise_shape", None)
        if self.rank > 1:
            cfg["data_format"] = self.data_format
        return cfg


class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1-D feature maps (channels) of `(batch, steps, channels)` inputs.

    Args:
        rate: Fraction of the channels to drop.
        seed: Optional random seed.
    """

    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        kwargs.pop("data_format", None)
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops entire 2-D feature maps of `(batch, rows, cols, channels)` inputs.

    Args:
        rate: Fraction of the channels to drop.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Optional random seed.
    """

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops entire 3-D feature maps of 5-D inputs.

    Args:
        rate: Fraction of the channels to drop.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Optional random seed.
    """

    rank = 3


class _RandomLayer(Layer):
    """Shared parts of the noise layers: seed, masking pass-through, shape, config."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.supports_masking = True
        self.built = True

    def _generator(self) -> np.random.Generator:
        return self._rng or config.rng()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["seed"] = self.seed
        return cfg


class GaussianNoise(_RandomLayer):
    """Adds zero-centered Gaussian noise of standard deviation `stddev` during training.

    Args:
        stddev: Standard deviation of the noise.
        seed: Optional random seed.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not 0 <= stddev:
            raise ValueError(
                f"Invalid value received for argument `stddev`. Expected a "
                f"non-negative float. Received: stddev={stddev}"
            )
        self.stddev = float(stddev)

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = self._generator().standard_normal(ops.shape(inputs)) * self.stddev
        return ops.add(inputs, noise.astype(ops.dtype(inputs)))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["stddev"] = self.stddev
        return cfg


class GaussianDropout(_RandomLayer):
    """Multiplies inputs by `1 + N(0, rate / (1 - rate))` noise during training.

    Args:
        rate: Drop probability (as for `Dropout`).
        seed: Optional random seed.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate)

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + stddev * self._generator().standard_normal(ops.shape(inputs))
        return ops.multiply(inputs, noise.astype(ops.dtype(inputs)))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["rate"] = self.rate
        return cfg


class AlphaDropout(_RandomLayer):
    """Dropout that keeps the mean and variance of SELU activations.

    Dropped units are set to SELU's negative saturation value, then an affine
    correction restores the statistics.

    Args:
        rate: Drop probability.
        noise_shape: Optional shape of the binary mask.
        seed: Optional random seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        alpha_p = -1.6732632423543772 * 1.0507009873554805
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        keep = (self._generator().random(shape) >= self.rate).astype(ops.dtype(inputs))
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = ops.add(ops.multiply(inputs, keep), alpha_p * (1 - keep))
        return ops.add(ops.multiply(x, a), b)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
            }
        )
        return cfg


class ActivityRegularization(Layer):
    """Adds `l1 * sum(|x|) + l2 * sum(x**2)` of its input to the loss (input passes through).

    Args:
        l1: L1 regularization factor.
        l2: L2 regularization factor.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from minikeras import regularizers

        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        cfg.update({"l1": self.l1, "l2": self.l2})
        return cfg
