"""`RandomPerspective` (random projective warps, `compute_homography_matrix`) and
`RandomElasticTransform` (random smooth displacement fields)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    FILL_MODES,
    INTERPOLATIONS,
    RandomTransformAugmentation,
    symmetric_range,
)
from minikeras.random import uniform


def compute_homography_matrix(start_points, end_points):
    """The projective transforms taking each set of `end_points` to its `start_points`.

    Args:
        start_points: `(N, 4, 2)` (or `(4, 2)`) `(x, y)` corners in the input image.
        end_points: The same corners' positions in the output image.

    Returns:
        `(N, 8)` float32 transforms `[a0, a1, a2, b0, b1, b2, c0, c1]` in the layout of
        `ops.image.affine_transform`: the output pixel `(x, y)` reads the input at
        `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`.
    """
    start = np.asarray(start_points, np.float64).reshape(-1, 4, 2)
    end = np.asarray(end_points, np.float64).reshape(-1, 4, 2)
    n = start.shape[0]
    system = np.zeros((n, 8, 8))
    target = np.zeros((n, 8))
    for k in range(4):
        ex, ey = end[:, k, 0], end[:, k, 1]
        sx, sy = start[:, k, 0], start[:, k, 1]
        system[:, 2 * k, 0:3] = np.stack([ex, ey, np.ones(n)], axis=1)
        system[:, 2 * k, 6:8] = np.stack([-sx * ex, -sx * ey], axis=1)
        system[:, 2 * k + 1, 3:6] = np.stack([ex, ey, np.ones(n)], axis=1)
        system[:, 2 * k + 1, 6:8] = np.stack([-sy * ex, -sy * ey], axis=1)
        target[:, 2 * k], target[:, 2 * k + 1] = sx, sy
    return np.linalg.solve(system, target[..., None])[..., 0].astype("float32")


class RandomPerspective(RandomTransformAugmentation):
    """With probability `p` (drawn from `factor`), warps each image by a random projective
    transform.

    As in Keras 3, the image corners `(0, 0)`, `(w-1, 0)`, `(0, h-1)`, `(w-1, h-1)`
    move to `corner * (1 + d)` with `d ~ U(-scale/2, scale/2)` for each coordinate;
    pixels that come from outside the image get `fill_value`.

    Args:
        factor: `p` range in `[0, 1]` (`f`: `[0, f]`).
        scale: Distortion strength in `[0, 1]`.
        interpolation: `"bilinear"` or `"nearest"`.
        fill_value: Value of pixels from outside the image.
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_value=0.0,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        if not 0.0 <= scale <= 1.0:
            raise ValueError(
                f"The `scale` argument should be a number in the range [0, 1]. "
                f"Received: scale={scale}"
            )
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}."
            )
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        h, w = images.shape[2:4] if self.data_format == "channels_first" else images.shape[1:3]
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = uniform((n,), 0.0, 1.0, seed=seed)
        half = 0.5 * self.scale
        distortion = uniform((n, 4, 2), -half, half, dtype="float32", seed=seed)
        corners = np.array([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], "float32")
        start = np.repeat(corners[None], n, axis=0)
        return {
            "apply_perspective": threshold < probability,
            "start_points": start,
            "end_points": start + start * distortion,
        }

    def transform_images(self, images, transformation):
        transforms = compute_homography_matrix(
            transformation["start_points"], transformation["end_points"]
        )
        warped = ops.image.affine_transform(
            images,
            transforms,
            interpolation=self.interpolation,
            fill_mode="constant",
            fill_value=self.fill_value,
            data_format=self.data_format,
        )
        apply = ops.reshape(transformation["apply_perspective"], (-1, 1, 1, 1))
        return ops.cast(ops.where(apply, warped, images), images.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }


class RandomElasticTransform(RandomTransformAugmentation):
    """With probability `p` (drawn from `factor`), deforms each image elastically.

    A distortion `d` is drawn from `scale` per batch; the field has
    `alpha = 0.1 * d * max(h, w)` and `sigma = 0.05 * d * min(h, w)` pixels (see
    `ops.image.elastic_transform`). Unlike Keras 3.15 on JAX, whose row and column
    displacements come from the same random key (so they are equal), the two are
    drawn independently here.

    Args:
        factor: `p` range in `[0, 1]` (`f`: `[0, f]`).
        scale: Distortion range in `[0, 1]` (`s`: `[0, s]`).
        interpolation: `"bilinear"` or `"nearest"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"` or `"reflect"`.
        fill_value: Value read outside the image in `"constant"` mode.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.scale = symmetric_range(scale, "scale", (0, 1))
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}."
            )
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(
                f"Unknown `fill_mode` {fill_mode}. Expected of one {FILL_MODES} "
                "(Keras's 'mirror' is not supported by minikeras)."
            )
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range

    def get_random_transformation(self, images, seed=None) -> dict | None:
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        seed = self._seed(seed)
        n = images.shape[0]
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = uniform((n,), 0.0, 1.0, seed=seed)
        distortion = uniform((), self.scale[0], self.scale[1], dtype="float32", seed=seed)
        return {
            "apply_transform": threshold < probability,
            "distortion_factor": float(distortion),
            "seed": seed,
        }

    def transform_images(self, images, transformation):
        if transformation is None:
            return images
        h, w = images.shape[2:4] if self.data_format == "channels_first" else images.shape[1:3]
        d = transformation["distortion_factor"]
        warped = ops.image.elastic_transform(
            images,
            alpha=max(h, w) * 0.1 * d,
            sigma=min(h, w) * 0.05 * d,
            interpolation=self.interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            seed=transformation["seed"],
            data_format=self.data_format,
        )
        apply = ops.reshape(transformation["apply_transform"], (-1, 1, 1, 1))
        out = ops.where(apply, warped, images)
        return ops.cast(ops.clip(out, self.value_range[0], self.value_range[1]), images.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
        }
