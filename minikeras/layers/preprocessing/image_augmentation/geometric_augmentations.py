"""`RandomFlip`, `RandomCrop`, `RandomHeight`, `RandomWidth`: flips, crops and resizes."""

from __future__ import annotations

import numpy as np

from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    INTERPOLATIONS,
    BaseAugmentation,
    check_choice,
    symmetric_range,
)
from minikeras.ops.image import resize
from minikeras.random import randint, uniform

_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(BaseAugmentation):
    """Flips each image left-right and/or up-down with probability 1/2 per direction.

    Args:
        mode: `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"` (default).
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
        >>> RandomFlip("horizontal", seed=3)(np.ones((4, 5, 5, 3), "float32")).shape
        (4, 5, 5, 3)
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self.mode = mode

    def augment(self, images):
        h_axis, w_axis = self.hw_axes(images.ndim)
        n = images.shape[0]
        out = images
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            flip = (uniform((n,), seed=self.generator) <= 0.5).reshape(n, 1, 1, 1)
            out = np.where(flip, np.flip(out, axis=w_axis), out)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            flip = (uniform((n,), seed=self.generator) <= 0.5).reshape(n, 1, 1, 1)
            out = np.where(flip, np.flip(out, axis=h_axis), out)
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "mode": self.mode}


class RandomCrop(BaseAugmentation):
    """Crops a random `(height, width)` window; at inference, resizes with a centre crop.

    Training: one random window per call (the whole batch shares it); images
    smaller than the target are resized instead. Inference: the largest centred
    window of the target aspect ratio, resized to `(height, width)`.

    Args:
        height, width: Output size.
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = int(height), int(width)

    def _centre_resize(self, images):
        h_axis, w_axis = self.hw_axes(images.ndim)
        h, w = images.shape[h_axis], images.shape[w_axis]
        ratio = self.width / self.height
        crop_h = min(h, int(round(w / ratio)))
        crop_w = min(w, int(round(h * ratio)))
        top, left = (h - crop_h) // 2, (w - crop_w) // 2
        index = [slice(None)] * images.ndim
        index[h_axis], index[w_axis] = slice(top, top + crop_h), slice(left, left + crop_w)
        cropped = images[tuple(index)]
        return np.asarray(
            resize(cropped, (self.height, self.width), data_format=self.data_format)
        ).astype(images.dtype)

    def inference(self, images):
        return self._centre_resize(images)

    def augment(self, images):
        h_axis, w_axis = self.hw_axes(images.ndim)
        h, w = images.shape[h_axis], images.shape[w_axis]
        if h < self.height or w < self.width:
            return self._centre_resize(images)
        top = int(randint((), 0, h - self.height + 1, seed=self.generator))
        left = int(randint((), 0, w - self.width + 1, seed=self.generator))
        index = [slice(None)] * images.ndim
        index[h_axis] = slice(top, top + self.height)
        index[w_axis] = slice(left, left + self.width)
        return images[tuple(index)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h_axis, w_axis = self.hw_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width}


class _RandomResize(BaseAugmentation):
    _axis_name = ""

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        self.lower, self.upper = symmetric_range(factor, "factor", (-1, np.inf))
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, "interpolation")

    def augment(self, images):
        h_axis, w_axis = self.hw_axes(images.ndim)
        axis = h_axis if self._axis_name == "height" else w_axis
        scale = 1.0 + float(uniform((), self.lower, self.upper, seed=self.generator))
        size = [images.shape[h_axis], images.shape[w_axis]]
        size[0 if axis == h_axis else 1] = max(1, int(images.shape[axis] * scale))
        return np.asarray(
            resize(images, size, self.interpolation, data_format=self.data_format)
        ).astype(images.dtype)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h_axis, w_axis = self.hw_axes(len(shape))
        shape[h_axis if self._axis_name == "height" else w_axis] = None
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "interpolation": self.interpolation}


class RandomHeight(_RandomResize):
    """Resizes the batch to a random height `h * (1 + u)`, `u` in the factor range (Keras 2).

    Args:
        factor: `f` or `(a, b)`, `a >= -1`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: Random seed.
    """

    _axis_name = "height"


class RandomWidth(_RandomResize):
    """Resizes the batch to a random width `w * (1 + u)`, `u` in the factor range (Keras 2).

    Args:
        factor: `f` or `(a, b)`, `a >= -1`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: Random seed.
    """

    _axis_name = "width"
