"""`RandomColorDegeneration`, `RandomSharpness`: blends with a grey or a blurred copy."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    FactorAugmentation,
    RandomTransformAugmentation,
    symmetric_range,
)
from minikeras.random import uniform


class RandomColorDegeneration(FactorAugmentation):
    """Moves each image towards its grayscale version by a random fraction `u`.

    `out = image + u * (gray - image)`, clipped to `value_range`; `u` is drawn per
    image from `factor` (`0` keeps the colours, `1` is fully grey).

    Args:
        factor: `f` in `[-1, 1]` (`u` in `[-|f|, |f|]`) or `(a, b)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.
    """

    FACTOR_BOUNDS = (-1, 1)

    def get_random_transformation(self, images, seed=None) -> dict:
        n = images.shape[0]
        return {"factor": uniform((n, 1, 1, 1), *self.factor, seed=self._seed(seed))}

    def transform_images(self, images, transformation):
        factor = ops.cast(transformation["factor"], images.dtype)
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        out = ops.add(images, ops.multiply(factor, ops.subtract(gray, images)))
        return ops.clip(out, self.value_range[0], self.value_range[1])


class RandomSharpness(FactorAugmentation):
    """Sharpens or blurs each image: `out = image + (1 - 2u) * (smoothed - image)`.

    `smoothed` is the image under a 3x3 smoothing kernel (centre 5/13, others 1/13,
    zero padding); `u` is drawn per image from `factor`, so `u = 0.5` leaves the image
    unchanged, smaller values blur and larger ones sharpen. Clipped to `value_range`.

    Args:
        factor: `f` in `[0, 1]` (`u` in `[0, f]`) or `(a, b)`.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.
    """

    FACTOR_BOUNDS = (0, 1)

    def get_random_transformation(self, images, seed=None) -> dict:
        return {"factor": uniform((images.shape[0],), *self.factor, seed=self._seed(seed))}

    def transform_images(self, images, transformation):
        sharpness = ops.reshape(ops.cast(transformation["factor"], images.dtype) * 2, (-1, 1, 1, 1))
        a, b = 1.0 / 13.0, 5.0 / 13.0
        channels = images.shape[1 if self.data_format == "channels_first" else -1]
        kernel = np.tile(
            np.array([[a, a, a], [a, b, a], [a, a, a]], images.dtype).reshape(3, 3, 1, 1),
            (1, 1, channels, 1),
        )
        smoothed = ops.depthwise_conv(
            images, kernel, strides=1, padding="same", data_format=self.data_format
        )
        out = ops.add(images, ops.multiply(1.0 - sharpness, ops.subtract(smoothed, images)))
        return ops.cast(ops.clip(out, self.value_range[0], self.value_range[1]), images.dtype)


def _odd_sizes(kernel_size) -> tuple:
    sizes = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
    if len(sizes) != 2 or any(int(k) % 2 == 0 for k in sizes):
        raise ValueError(
            "The `kernel_size` argument should be an odd number (or a list of two odd "
            f"numbers). Received: kernel_size={kernel_size}"
        )
    return sizes


class RandomGaussianBlur(RandomTransformAugmentation):
    """With probability `p` (drawn from `factor`), blurs each image with a Gaussian.

    One `(sigma_x, sigma_y)` pair is drawn from `sigma` per batch; the kernel is
    `kernel_size` (width, height), zero-padded at the borders; the result is clipped
    to `value_range`.

    Args:
        factor: `p` range in `[0, 1]` (`f`: `[0, f]`).
        kernel_size: Odd size, or `(width, height)`.
        sigma: `s` (range `[0, s]`) or `(low, high)` for the standard deviations.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.
    """

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.kernel_size = _odd_sizes(kernel_size)
        self.sigma = symmetric_range(sigma, "sigma", (0, 1))
        self.value_range = value_range

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = uniform((n,), 0.0, 1.0, seed=seed)
        sigma = uniform((2,), self.sigma[0], self.sigma[1], dtype="float32", seed=seed) + 1e-6
        return {"should_apply_blur": threshold < probability, "blur_factor": sigma}

    def transform_images(self, images, transformation):
        blurred = ops.image.gaussian_blur(
            images,
            kernel_size=self.kernel_size,
            sigma=transformation["blur_factor"],
            data_format=self.data_format,
        )
        apply = ops.reshape(transformation["should_apply_blur"], (-1, 1, 1, 1))
        out = ops.where(apply, blurred, images)
        return ops.cast(ops.clip(out, self.value_range[0], self.value_range[1]), images.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
        }
