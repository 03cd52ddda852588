"""`MixUp`, `CutMix`, `RandomErasing`: augmentations that mix images with others or
paste a rectangle in.

`MixUp` and `CutMix` mix each image with another image of the same batch (a random
permutation); given a dict `{"images": ..., "labels": ...}` they mix the labels with
the same weights and return a dict.
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import any_symbolic
from minikeras.layers import call_context
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    RandomTransformAugmentation,
    symmetric_range,
)
from minikeras.random import beta, normal, shuffle, uniform


class _MixingAugmentation(RandomTransformAugmentation):
    """Adds dict inputs (`images` plus `labels`) to the augmentation call protocol."""

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, dict):
            return super().__call__(inputs, *args, **kwargs)
        if "images" not in inputs:
            raise ValueError(
                f"{self.__class__.__name__} expects a dict with an 'images' key (and "
                f"optionally 'labels'). Received keys: {sorted(inputs)}"
            )
        training = kwargs.pop("training", None)
        if training is None:
            training = call_context.training()
        training = True if training is None else bool(training)
        out = dict(inputs)
        images = np.asarray(value_of(inputs["images"])).astype(self.dtype)
        out["images"] = images
        if not training:
            return out
        single = images.ndim == 3
        batch = images[None] if single else images
        transformation = self.get_random_transformation(batch)
        result = self.transform_images(batch, transformation)
        out["images"] = result[0] if single else result
        if "labels" in inputs:
            labels = np.asarray(value_of(inputs["labels"]))
            labels = labels[None] if single else labels
            mixed = self.transform_labels(labels, transformation)
            out["labels"] = mixed[0] if single else mixed
        return out

    def transform_labels(self, labels, transformation):
        return labels


def _mix(values, transformation):
    """`w * values + (1 - w) * values[permutation]`, `w` per sample."""
    weight = np.asarray(transformation["mix_weight"])
    shape = (-1,) + (1,) * (np.ndim(values) - 1)
    weight = ops.cast(ops.reshape(weight, shape), "float32")
    other = ops.take(values, transformation["permutation_order"], axis=0)
    return ops.add(ops.multiply(weight, values), ops.multiply(ops.subtract(1.0, weight), other))


class MixUp(_MixingAugmentation):
    """Blends each image (and label) with another of the batch, weight `w ~ Beta(alpha, alpha)`.

    Args:
        alpha: Parameter of the Beta distribution of the mixing weight.
        data_format: `"channels_last"` or `"channels_first"`.
        seed: Random seed.

    Example:
        >>> out = MixUp(seed=0)({"images": np.ones((4, 8, 8, 3), "float32"),
        ...                      "labels": np.eye(4, dtype="float32")})
        >>> out["labels"].sum(axis=1)
        array([1., 1., 1., 1.], dtype=float32)
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        permutation = shuffle(np.arange(n, dtype="int64"), seed=seed)
        weight = beta((n,), self.alpha, self.alpha, seed=seed)
        return {"mix_weight": weight, "permutation_order": permutation}

    def transform_images(self, images, transformation):
        return ops.cast(_mix(images, transformation), images.dtype)

    def transform_labels(self, labels, transformation):
        return _mix(labels, transformation)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


def _box_masks(shape, boxes, data_format):
    """Boolean `(N, H, W, C)` masks (channels first: `(N, C, H, W)`) of the boxes
    `x0 <= x < x1`, `y0 <= y < y1` given per image, and each box's area as a fraction
    of the image's (from the corners, not the pixels covered)."""
    x0, x1, y0, y1 = (np.asarray(b, "float32")[:, None, None, None] for b in boxes)
    h_axis, w_axis, c_axis = (2, 3, 1) if data_format == "channels_first" else (1, 2, 3)
    grid_y, grid_x = np.meshgrid(
        np.arange(shape[h_axis], dtype="float32"),
        np.arange(shape[w_axis], dtype="float32"),
        indexing="ij",
    )
    if data_format == "channels_first":
        grid_y, grid_x = grid_y[None, None], grid_x[None, None]
    else:
        grid_y, grid_x = grid_y[None, :, :, None], grid_x[None, :, :, None]
    masks = (grid_x >= x0) & (grid_x < x1) & (grid_y >= y0) & (grid_y < y1)
    area = ((x1 - x0) * (y1 - y0) / (shape[h_axis] * shape[w_axis])).reshape(-1)
    return np.repeat(masks, shape[c_axis], axis=c_axis), area


def _crop_bounds(n, length, ratio, seed):
    """Random `[start, start + ratio * length)` intervals inside `[0, length)`."""
    crop = np.asarray(ratio * length, "float32")
    start = uniform((n,), 0.0, 1.0, dtype="float32", seed=seed) * (length - crop)
    return start, start + crop


def _hw(images, data_format):
    return images.shape[2:4] if data_format == "channels_first" else images.shape[1:3]


class CutMix(_MixingAugmentation):
    """Pastes a random rectangle of another image of the batch into each image.

    The rectangle covers a fraction `1 - w` of the image, `w ~ Beta(a, a)` with `a`
    drawn once per batch from `factor`; labels are mixed by the exact area pasted. A
    single unbatched image is returned unchanged.

    Args:
        factor: `a` range in `[0, 1]` (`f`: `[0, f]`).
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))

    def __call__(self, inputs, *args, **kwargs):
        images = inputs["images"] if isinstance(inputs, dict) else inputs
        if not any_symbolic(images) and np.ndim(value_of(images)) == 3:
            kwargs["training"] = False
        return super().__call__(inputs, *args, **kwargs)

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        height, width = _hw(images, self.data_format)
        alpha = uniform((), self.factor[0], self.factor[1], dtype="float32", seed=seed) + 1e-6
        weight = beta((n,), alpha, alpha, dtype="float32", seed=seed)
        ratio = np.sqrt(1.0 - weight)
        x0, x1 = _crop_bounds(n, width, ratio, seed)
        y0, y1 = _crop_bounds(n, height, ratio, seed)
        masks, area = _box_masks(images.shape, (x0, x1, y0, y1), self.data_format)
        permutation = shuffle(np.arange(n, dtype="int32"), seed=seed)
        mix_weight = 1.0 - area
        return {"permutation_order": permutation, "batch_masks": masks, "mix_weight": mix_weight}

    def transform_images(self, images, transformation):
        other = ops.take(images, transformation["permutation_order"], axis=0)
        return ops.cast(ops.where(transformation["batch_masks"], other, images), images.dtype)

    def transform_labels(self, labels, transformation):
        return _mix(labels, transformation)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


class RandomErasing(RandomTransformAugmentation):
    """With probability `p` (drawn from `factor`), fills a random rectangle of each image.

    The rectangle's sides are `sqrt(s)` of the image's, `s` drawn from `scale` for each
    side. It is filled with `fill_value` (a number or one value per channel), or with
    Gaussian noise times `value_range[1]` when `fill_value` is None, clipped to
    `value_range`.

    Args:
        factor: `p` range in `[0, 1]` (`f`: `[0, f]`).
        scale: Area-fraction range of each side's square, in `[0, 1]`.
        fill_value: None, a number, or a list of 3 numbers.
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(
        self,
        factor=1.0,
        scale=(0.02, 0.33),
        fill_value=None,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.scale = symmetric_range(scale, "scale", (0, 1))
        if fill_value is not None and not (
            isinstance(fill_value, (int, float))
            or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)
        ):
            raise ValueError(
                "The `fill_value` argument should be a number (or a list of three numbers). "
                f"Received: fill_value={fill_value}"
            )
        self.fill_value = fill_value
        self.value_range = value_range

    def _fill(self, images, seed):
        if self.fill_value is None:
            fill = normal(images.shape, dtype=self.dtype, seed=seed) * self.value_range[1]
        elif isinstance(self.fill_value, (tuple, list)):
            values = np.asarray(self.fill_value, self.dtype)
            if self.data_format == "channels_first":
                values = values[:, None, None]
            fill = np.broadcast_to(values, images.shape).astype(self.dtype)
        else:
            fill = np.full(images.shape, self.fill_value, self.dtype)
        return ops.clip(fill, self.value_range[0], self.value_range[1])

    def get_random_transformation(self, images, seed=None) -> dict:
        seed = self._seed(seed)
        n = images.shape[0]
        height, width = _hw(images, self.data_format)
        sides = np.sqrt(uniform((n, 2), self.scale[0], self.scale[1], dtype="float32", seed=seed))
        x0, x1 = _crop_bounds(n, width, sides[:, 0], seed)
        y0, y1 = _crop_bounds(n, height, sides[:, 1], seed)
        masks, _ = _box_masks(images.shape, (x0, x1, y0, y1), self.data_format)
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        threshold = uniform((n,), 0.0, 1.0, seed=seed)
        return {
            "apply_erasing": threshold < probability,
            "batch_masks": masks,
            "fill_value": self._fill(images, seed),
        }

    def transform_images(self, images, transformation):
        erased = ops.where(transformation["batch_masks"], transformation["fill_value"], images)
        apply = ops.reshape(transformation["apply_erasing"], (-1, 1, 1, 1))
        return ops.cast(ops.where(apply, erased, images), images.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
        }
