"""`BaseAugmentation`: the shared call protocol of the image augmentation layers.

As in Keras 3, an augmentation is applied when `training` is true, which is
also the default of a direct call outside `fit`/`predict`; `predict` and
`evaluate` pass `training=False` and get the images back unchanged. Images are
`(batch, H, W, C)` or one `(H, W, C)` image (channels_first: `C` first), drawn
through a per-layer `SeedGenerator`, so `seed=` makes runs repeatable.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import any_symbolic
from minikeras.layers import call_context
from minikeras.layers.layer import Layer
from minikeras.random import SeedGenerator

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def symmetric_range(factor, name: str, bounds=(-np.inf, np.inf)) -> tuple:
    """`f -> (-|f|, |f|)` and `(a, b) -> sorted`, validated against `bounds`."""
    msg = (
        f"The `{name}` argument should be a number (or a list of two numbers) in the range "
        f"[{bounds[0]}, {bounds[1]}]. Received: {name}={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(msg)
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not bounds[0] <= factor <= bounds[1]:
            raise ValueError(msg)
        f = abs(float(factor))
        return (float(max(-f, bounds[0])), f)
    raise ValueError(msg)


def check_choice(value, allowed, name):
    if value not in allowed:
        raise NotImplementedError(f"Unknown `{name}` {value}. Expected of one {allowed}.")
    return value


class BaseAugmentation(Layer):
    """Base of the augmentation layers (`seed`, `data_format`, training switch)."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = SeedGenerator(seed)
        self.data_format = config.standardize_data_format(data_format)
        self.supports_masking = False
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if any_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        training = kwargs.pop("training", None)
        if training is None:
            training = call_context.training()
        return self.call(inputs, training=True if training is None else bool(training))

    def call(self, inputs, training=True):
        images = np.asarray(value_of(inputs))
        if images.ndim not in (3, 4):
            raise ValueError(
                f"Expected the input image to be rank 3 or 4. Received inputs.shape={images.shape}"
            )
        images = images.astype(self.dtype) if images.dtype != self.dtype else images
        if not training:
            return self.inference(images)
        single = images.ndim == 3
        batch = images[None] if single else images
        out = self.augment(batch)
        return out[0] if single else out

    def inference(self, images: np.ndarray) -> np.ndarray:
        return images

    def augment(self, images: np.ndarray) -> np.ndarray:
        """Transforms a batch `(N, ...)`; subclasses draw with `seed=self.generator`."""
        raise NotImplementedError

    def hw_axes(self, ndim: int = 4) -> tuple:
        return (
            (ndim - 2, ndim - 1) if self.data_format == "channels_first" else (ndim - 3, ndim - 2)
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"seed": self.seed, "data_format": self.data_format})
        return cfg


def transform_value_range(images, original_range, target_range):
    """Maps pixel values linearly from `original_range` to `target_range`."""
    from minikeras import ops

    if tuple(original_range) == tuple(target_range):
        return images
    (lo, hi), (new_lo, new_hi) = original_range, target_range
    dtype = images.dtype
    lo, hi, new_lo, new_hi = (np.asarray(v, dtype) for v in (lo, hi, new_lo, new_hi))
    return ops.add(
        ops.multiply(ops.divide(ops.subtract(images, lo), hi - lo), new_hi - new_lo), new_lo
    )


def check_value_range(value_range) -> list:
    """A sorted `[low, high]`, or a Keras-style error."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(
            "The `value_range` argument should be a list of two numbers. "
            f"Received: value_range={value_range}"
        )
    return sorted(value_range)


class RandomTransformAugmentation(BaseAugmentation):
    """An augmentation split as Keras splits it: draw a transformation, then apply it.

    `get_random_transformation(images, seed)` draws every random quantity for a batch
    (from `seed`, by default the layer's generator); `transform_images(images,
    transformation)` is deterministic given them, so it can be checked on its own.
    """

    def get_random_transformation(self, images, seed=None) -> dict:
        raise NotImplementedError

    def transform_images(self, images, transformation):
        raise NotImplementedError

    def augment(self, images):
        return self.transform_images(images, self.get_random_transformation(images))

    def _seed(self, seed):
        return self.generator if seed is None else seed


class FactorAugmentation(RandomTransformAugmentation):
    """A `RandomTransformAugmentation` with Keras's `(factor, value_range, data_format,
    seed)` arguments: `factor` is a number or `(a, b)` within the class's `FACTOR_BOUNDS`,
    `value_range` the `(low, high)` of the pixel values (default `(0, 255)`)."""

    FACTOR_BOUNDS: tuple = (-1, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_range(factor, "factor", self.FACTOR_BOUNDS)
        self.value_range = check_value_range(value_range)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
