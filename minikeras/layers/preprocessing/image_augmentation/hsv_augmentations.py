"""`RandomHue`, `RandomSaturation`, `RandomColorJitter`: colour changes through HSV space."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    FactorAugmentation,
    RandomTransformAugmentation,
    symmetric_range,
    transform_value_range,
)
from minikeras.layers.preprocessing.image_augmentation.color_augmentations import (
    RandomBrightness,
    RandomContrast,
)
from minikeras.random import uniform


def _with_channel(images, data_format, index, plane):
    """`images` (HSV) with channel `index` replaced by `plane`."""
    axis = 1 if data_format == "channels_first" else -1
    planes = [ops.take(images, i, axis=axis) for i in range(3)]
    planes[index] = plane
    return ops.stack(planes, axis=axis)


def _channel(images, data_format, index):
    return ops.take(images, index, axis=1 if data_format == "channels_first" else -1)


class RandomHue(RandomTransformAugmentation):
    """Rotates each image's hue by a random fraction of a turn.

    Each image's shift is `±u / 2` turns with `u` drawn from `factor` and a random sign.
    Images are taken from `value_range` to `[0, 1]`, shifted in HSV space, clipped and
    mapped back.

    Args:
        factor: `f` in `[0, 1]` (`u` in `[0, f]`) or `(a, b)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.

    Example:
        >>> RandomHue(0.2, seed=0)(np.full((1, 2, 2, 3), 100.0, "float32")).shape
        (1, 2, 2, 3)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.value_range = value_range

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        sign = np.where(uniform((n,), seed=seed) > 0.5, -1.0, 1.0).astype("float32")
        factor = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        return {"factor": sign * factor * 0.5}

    def transform_images(self, images, transformation):
        images = transform_value_range(images, self.value_range, (0, 1))
        shift = ops.reshape(ops.cast(transformation["factor"], images.dtype), (-1, 1, 1))
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        hue = ops.add(_channel(hsv, self.data_format, 0), shift)
        hue = ops.where(ops.greater(hue, 1.0), hue - 1.0, hue)
        hue = ops.where(ops.less(hue, 0.0), hue + 1.0, hue)
        hsv = _with_channel(hsv, self.data_format, 0, hue)
        rgb = ops.clip(ops.image.hsv_to_rgb(hsv, data_format=self.data_format), 0, 1)
        return ops.cast(transform_value_range(rgb, (0, 1), self.value_range), images.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomSaturation(FactorAugmentation):
    """Scales each image's HSV saturation by `u / (1 - u)`, `u` drawn from `factor`.

    `u = 0.5` leaves an image unchanged, `u = 0` makes it grey and `u` near 1
    saturates it fully. The scaled saturation is clipped to `value_range`; as in Keras,
    the pixel values themselves are not rescaled.

    Args:
        factor: `f` in `[-1, 1]` (`u` in `[-|f|, |f|]`) or `(a, b)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.
    """

    FACTOR_BOUNDS = (-1, 1)

    def get_random_transformation(self, images, seed=None) -> dict:
        u = uniform((images.shape[0],), self.factor[0], self.factor[1], seed=self._seed(seed))
        return {"factor": u / (1 - u + config.epsilon())}

    def transform_images(self, images, transformation):
        scale = ops.reshape(ops.cast(transformation["factor"], images.dtype), (-1, 1, 1))
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        saturation = ops.multiply(_channel(hsv, self.data_format, 1), scale)
        saturation = ops.clip(saturation, self.value_range[0], self.value_range[1])
        hsv = _with_channel(hsv, self.data_format, 1, saturation)
        return ops.image.hsv_to_rgb(hsv, data_format=self.data_format)


class RandomColorJitter(RandomTransformAugmentation):
    """Random brightness, contrast, saturation and hue, applied in that order.

    Each factor given builds the matching layer (`RandomBrightness`, `RandomContrast`,
    `RandomSaturation`, `RandomHue`) with this layer's `value_range`; a factor left
    `None` skips that step.

    Args:
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        brightness_factor: Factor of `RandomBrightness`, or None.
        contrast_factor: Factor of `RandomContrast`, or None.
        saturation_factor: Factor of `RandomSaturation`, or None.
        hue_factor: Factor of `RandomHue`, or None.
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        fmt = {"data_format": data_format}
        steps = [
            (brightness_factor, RandomBrightness, {}),
            (contrast_factor, RandomContrast, fmt),
            (saturation_factor, RandomSaturation, fmt),
            (hue_factor, RandomHue, fmt),
        ]
        self._steps = [
            cls(factor=f, value_range=value_range, seed=seed, **extra)
            for f, cls, extra in steps
            if f is not None
        ]

    def augment(self, images):
        for step in self._steps:
            images = step.transform_images(
                images, step.get_random_transformation(images, seed=self.generator)
            )
        return ops.cast(images, self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
        }
