"""`Equalization`, `RandomInvert`, `RandomPosterization`: per-pixel tone mappings."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    FactorAugmentation,
    RandomTransformAugmentation,
    check_value_range,
    symmetric_range,
    transform_value_range,
)
from minikeras.random import randint, uniform


def _scale_values(values, source_range, target_range):
    """`values * scale + offset` taking `source_range` onto `target_range`."""
    scale = (target_range[1] - target_range[0]) / (source_range[1] - source_range[0])
    offset = target_range[0] - source_range[0] * scale
    return ops.add(ops.multiply(values, np.float32(scale)), np.float32(offset))


class Equalization(RandomTransformAugmentation):
    """Histogram equalization of each channel (deterministic; applied in training).

    As in Keras 3, one histogram of `bins` bins is taken per channel over the whole
    batch on the `[0, 255]` scale, and every value is mapped through the rounded,
    normalized cumulative histogram. A channel whose values all fall in one bin is
    left unchanged.

    Args:
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        bins: Number of histogram bins.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, images, seed=None) -> dict:
        return {}

    def _equalize_channel(self, channel):
        bins = self.bins
        channel = _scale_values(channel, self.value_range, (0, 255))
        scaled = ops.divide(ops.multiply(channel, np.float32(bins - 1)), np.float32(255.0))
        index = ops.clip(ops.cast(scaled, "int32"), 0, bins - 1)
        hist = ops.bincount(ops.reshape(index, (-1,)), minlength=bins)
        cdf = ops.cumsum(hist)
        cdf_min = ops.take(cdf, ops.argmax(ops.greater(cdf, 0)))
        denominator = ops.subtract(ops.take(cdf, -1), cdf_min)
        denominator = ops.where(ops.equal(denominator, 0), 1, denominator)
        table = ops.divide(
            ops.cast(ops.multiply(ops.subtract(cdf, cdf_min), 255), "float32"),
            ops.cast(denominator, "float32"),
        )
        table = ops.cast(ops.clip(ops.round(table), 0, 255), channel.dtype)
        position = ops.multiply(ops.divide(channel, np.float32(255.0)), np.float32(bins - 1))
        equalized = ops.take(table, ops.cast(ops.clip(position, 0, bins - 1), "int32"))
        single_bin = ops.less_equal(ops.count_nonzero(hist), 1)
        out = ops.where(single_bin, channel, equalized)
        return _scale_values(out, (0, 255), self.value_range)

    def transform_images(self, images, transformation):
        axis = 1 if self.data_format == "channels_first" else images.ndim - 1
        channels = [
            self._equalize_channel(ops.take(images, i, axis=axis))
            for i in range(images.shape[axis])
        ]
        return ops.cast(ops.stack(channels, axis=axis), images.dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("seed", None)
        return {**cfg, "bins": self.bins, "value_range": self.value_range}


class RandomInvert(RandomTransformAugmentation):
    """Replaces each image by `value_range[1] - image` with probability `p`, `p` drawn
    from `factor`.

    Args:
        factor: `f` in `[0, 1]` (`p` in `[0, f]`) or `(a, b)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.value_range = value_range

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = uniform((n,), 0.0, 1.0, seed=seed)
        return {"apply_inversion": threshold < probability}

    def transform_images(self, images, transformation):
        apply = ops.reshape(transformation["apply_inversion"], (-1, 1, 1, 1))
        return ops.where(apply, ops.subtract(self.value_range[1], images), images)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomPosterization(FactorAugmentation):
    """Keeps only the top `b` bits of each 8-bit pixel value, `b` drawn from `factor`.

    Args:
        factor: `b` in `[1, 8]` or `(low, high)`: bits kept (a range draws an integer in
            `[low, high)`).
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.
    """

    FACTOR_BOUNDS = (1, 8)

    def get_random_transformation(self, images, seed=None) -> dict:
        n = images.shape[0]
        if self.factor[0] != self.factor[1]:
            bits = randint((n,), int(self.factor[0]), int(self.factor[1]), seed=self._seed(seed))
        else:
            bits = np.full((n,), int(self.factor[0]))
        return {"shift_factor": (8 - np.asarray(bits)).astype("uint8")}

    def transform_images(self, images, transformation):
        shift = np.asarray(transformation["shift_factor"]).astype("int32").reshape(-1, 1, 1, 1)
        step = np.left_shift(1, shift)  # dropping the low `shift` bits: (x // 2**s) * 2**s
        x = transform_value_range(images, self.value_range, (0, 255))
        x = ops.cast(ops.cast(x, "uint8"), "int32")
        x = ops.multiply(ops.floor_divide(x, step), step)
        x = transform_value_range(ops.cast(x, images.dtype), (0, 255), self.value_range)
        return ops.cast(x, images.dtype)
