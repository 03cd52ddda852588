"""`RandomContrast`, `RandomBrightness`, `RandomGrayscale`, `Solarization`: pixel-value changes."""

from __future__ import annotations

import numpy as np

from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    BaseAugmentation,
    RandomTransformAugmentation,
    symmetric_range,
)
from minikeras.random import uniform


def _per_image(n: int) -> tuple:
    return (n, 1, 1, 1)


class RandomBrightness(RandomTransformAugmentation):
    """Adds a random offset `u * (value_range[1] - value_range[0])` to each image, clipped.

    Args:
        factor: `f` or `(a, b)` in `[-1, 1]`: the offset as a fraction of the value range.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.

    Example:
        >>> RandomBrightness(0.2, seed=0)(np.full((1, 2, 2, 3), 100.0, "float32")).shape
        (1, 2, 2, 3)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = symmetric_range(factor, "factor", (-1, 1))
        self.value_range = tuple(sorted(value_range))

    def get_random_transformation(self, images, seed=None) -> dict:
        u = uniform(
            _per_image(images.shape[0]), self.factor[0], self.factor[1], seed=self._seed(seed)
        )
        return {"rgb_delta": u * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation):
        out = images + np.asarray(transformation["rgb_delta"]).astype(images.dtype)
        return np.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("data_format", None)
        cfg.update({"factor": list(self.factor), "value_range": list(self.value_range)})
        return cfg


class RandomContrast(RandomTransformAugmentation):
    """Scales each image's deviation from its per-channel mean by a random factor.

    The factor is drawn from `[1 - lower, 1 + upper]` (`factor=f`: `[1 - f, 1 + f]`);
    the result is clipped to `value_range`.

    Args:
        factor: `f` in `[0, 1]` or `(lower, upper)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(factor, (tuple, list)):
            self.factor = tuple(float(f) for f in factor)
        else:
            self.factor = (abs(float(factor)), abs(float(factor)))
        self.value_range = tuple(value_range)

    def get_random_transformation(self, images, seed=None) -> dict:
        f = uniform(
            _per_image(images.shape[0]),
            1.0 - self.factor[0],
            1.0 + self.factor[1],
            seed=self._seed(seed),
        )
        return {"contrast_factor": f}

    def transform_images(self, images, transformation):
        f = np.asarray(transformation["contrast_factor"]).astype(images.dtype).reshape(-1, 1, 1, 1)
        axes = self.hw_axes(images.ndim)
        mean = images.mean(axis=axes, keepdims=True)
        out = (images - mean) * f + mean
        return np.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"factor": list(self.factor), "value_range": list(self.value_range)})
        return cfg


class RandomGrayscale(BaseAugmentation):
    """Turns each image to grayscale with probability `factor` (channels kept, RGB weights).

    Args:
        factor: Probability in `[0, 1]`.
        data_format, seed: As the other augmentation layers.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not 0 <= factor <= 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = float(factor)

    def augment(self, images):
        c_axis = 1 if self.data_format == "channels_first" else -1
        if images.shape[c_axis] != 3:
            raise ValueError(
                f"RandomGrayscale expects 3 RGB channels. Received: {images.shape[c_axis]}"
            )
        weights = np.array([0.2989, 0.587, 0.114], images.dtype)
        gray = np.tensordot(np.moveaxis(images, c_axis, -1), weights, axes=([-1], [0]))
        gray = np.moveaxis(np.repeat(gray[..., None], 3, axis=-1), -1, c_axis)
        pick = uniform(_per_image(images.shape[0]), seed=self.generator) < self.factor
        return np.where(pick, gray, images).astype(images.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


class Solarization(BaseAugmentation):
    """Inverts pixels above a threshold (and optionally adds a random offset first).

    Args:
        addition_factor: `f` or `(a, b)`: offset range as a fraction of the value range.
        threshold_factor: `f` or `(a, b)`: threshold range as a fraction of the value range.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.
    """

    def __init__(
        self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs
    ):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _unit_range(addition_factor)
        self.threshold_factor = _unit_range(threshold_factor)
        self.value_range = tuple(value_range)

    def augment(self, images):
        lo, hi = self.value_range
        x = (images - lo) / (hi - lo)
        shape = _per_image(images.shape[0])
        add = uniform(shape, *self.addition_factor, seed=self.generator)
        thr = uniform(shape, *self.threshold_factor, seed=self.generator)
        x = np.clip(x + add, 0, 1)
        x = np.where(x < thr, x, 1 - x)
        return (x * (hi - lo) + lo).astype(images.dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "addition_factor": list(self.addition_factor),
                "threshold_factor": list(self.threshold_factor),
                "value_range": list(self.value_range),
            }
        )
        return cfg


def _unit_range(factor) -> tuple:
    if isinstance(factor, (tuple, list)):
        return tuple(float(f) for f in factor)
    return (0.0, float(factor))
