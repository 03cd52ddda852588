"""`RandomRotation`, `RandomZoom`, `RandomTranslation`, `RandomShear`: random affine warps."""

from __future__ import annotations

import numpy as np

from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    FILL_MODES,
    INTERPOLATIONS,
    BaseAugmentation,
    check_choice,
    symmetric_range,
)
from minikeras.ops.image_affine import affine_transform
from minikeras.random import uniform


def affine_matrix(angle_deg, tx, ty, scale, shear_x_deg, shear_y_deg, height, width):
    """`(N, 8)` transforms about the image centre (Keras 3's `_compute_affine_matrix`)."""
    angle, sx, sy = (
        np.deg2rad(np.asarray(v, dtype=np.float64)) for v in (angle_deg, shear_x_deg, shear_y_deg)
    )
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = np.cos(angle), np.sin(angle)
    sx, sy = np.tan(sx), np.tan(sy)
    a0 = scale * (cos + sx * sin)
    a1 = scale * (-sin + sx * cos)
    b0 = scale * (sy * cos + sin)
    b1 = scale * (-sy * sin + cos)
    a2 = tx + cx - cx * a0 - cy * a1
    b2 = ty + cy - cx * b0 - cy * b1
    zeros = np.zeros_like(a0)
    return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype("float32")


class _AffineAugmentation(BaseAugmentation):
    def __init__(
        self,
        fill_mode="reflect",
        interpolation="bilinear",
        fill_value=0.0,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_mode = check_choice(fill_mode, FILL_MODES, "fill_mode")
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, "interpolation")
        self.fill_value = fill_value

    def _size(self, images):
        h_axis, w_axis = self.hw_axes(images.ndim)
        return images.shape[h_axis], images.shape[w_axis]

    def warp(self, images, transforms):
        return affine_transform(
            images,
            transforms,
            self.interpolation,
            self.fill_mode,
            self.fill_value,
            self.data_format,
        )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "interpolation": self.interpolation,
            }
        )
        return cfg


class RandomRotation(_AffineAugmentation):
    """Rotates each image by a random angle of `factor * 360` degrees (Keras 3).

    Args:
        factor: Fraction of a full turn: `f` draws from `[-f, f]`, `(a, b)` from `[a, b]`.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: Random seed.
        fill_value: Value outside the image with `fill_mode="constant"`.
        value_range: Accepted for Keras compatibility (not used by rotation).
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
        >>> RandomRotation(0.1, seed=1)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        value_range=(0, 255),
        data_format=None,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (-1, 1))
        self.value_range = value_range

    def augment(self, images):
        h, w = self._size(images)
        n = images.shape[0]
        angle = uniform((n,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed=self.generator)
        zeros = np.zeros(n)
        return self.warp(images, affine_matrix(angle, zeros, zeros, np.ones(n), zeros, zeros, h, w))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "value_range": list(self.value_range),
        }


class RandomZoom(_AffineAugmentation):
    """Zooms each image by `1 + u`, `u` drawn from the factor range (negative: zoom in).

    Args:
        height_factor: `f` or `(a, b)`: vertical zoom range (fractions).
        width_factor: Same for width; None keeps the aspect ratio (same zoom).
        fill_mode, interpolation, seed, fill_value, data_format: As `RandomRotation`.

    Example:
        >>> RandomZoom((-0.2, 0.2), seed=0)(np.ones((8, 8, 3), "float32")).shape
        (8, 8, 3)
    """

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = symmetric_range(
            height_factor, "height_factor", (-1, np.inf)
        )
        if width_factor is not None:
            self.width_lower, self.width_upper = symmetric_range(
                width_factor, "width_factor", (-1, np.inf)
            )

    def augment(self, images):
        h, w = self._size(images)
        n = images.shape[0]
        hz = uniform(
            (n,), 1.0 + self.height_lower, 1.0 + self.height_upper, seed=self.generator
        ).astype(np.float64)
        wz = (
            hz
            if self.width_factor is None
            else uniform(
                (n,), 1.0 + self.width_lower, 1.0 + self.width_upper, seed=self.generator
            ).astype(np.float64)
        )
        zeros = np.zeros(n)
        t = np.stack(
            [
                wz,
                zeros,
                (w - 1) / 2.0 * (1.0 - wz),
                zeros,
                hz,
                (h - 1) / 2.0 * (1.0 - hz),
                zeros,
                zeros,
            ],
            axis=1,
        )
        return self.warp(images, t.astype("float32"))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


class RandomTranslation(_AffineAugmentation):
    """Shifts each image by random fractions of its height and width.

    Args:
        height_factor: `f` or `(a, b)`: vertical shift range as a fraction of the height.
        width_factor: Same for the width.
        fill_mode, interpolation, seed, fill_value, data_format: As `RandomRotation`.
    """

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = symmetric_range(
            height_factor, "height_factor", (-1, 1)
        )
        self.width_lower, self.width_upper = symmetric_range(width_factor, "width_factor", (-1, 1))

    def augment(self, images):
        h, w = self._size(images)
        n = images.shape[0]
        dy = uniform((n,), self.height_lower, self.height_upper, seed=self.generator) * h
        dx = uniform((n,), self.width_lower, self.width_upper, seed=self.generator) * w
        ones, zeros = np.ones(n), np.zeros(n)
        t = np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return self.warp(images, t.astype("float32"))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


class RandomShear(_AffineAugmentation):
    """Shears each image by random angles (`x_factor`, `y_factor` times 180 degrees).

    Args:
        x_factor: `f` or `(a, b)`: horizontal shear range (fraction of 180 degrees).
        y_factor: Same, vertical.
        interpolation, fill_mode, fill_value, seed, data_format: As `RandomRotation`.
    """

    def __init__(
        self,
        x_factor=0.0,
        y_factor=0.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        self.x_factor = (
            symmetric_range(x_factor, "x_factor", (0, 1))
            if not isinstance(x_factor, (tuple, list))
            else tuple(x_factor)
        )
        self.y_factor = (
            symmetric_range(y_factor, "y_factor", (0, 1))
            if not isinstance(y_factor, (tuple, list))
            else tuple(y_factor)
        )

    def augment(self, images):
        h, w = self._size(images)
        n = images.shape[0]
        sx = (
            uniform((n,), -abs(self.x_factor[1]), abs(self.x_factor[1]), seed=self.generator)
            * 180.0
            if any(self.x_factor)
            else np.zeros(n)
        )
        sy = (
            uniform((n,), -abs(self.y_factor[1]), abs(self.y_factor[1]), seed=self.generator)
            * 180.0
            if any(self.y_factor)
            else np.zeros(n)
        )
        zeros = np.zeros(n)
        return self.warp(images, affine_matrix(zeros, zeros, zeros, np.ones(n), sx, sy, h, w))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "x_factor": list(self.x_factor),
            "y_factor": list(self.y_factor),
        }
