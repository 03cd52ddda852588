"""`RandAugment` (Cubuk et al., 2019) and `AugMix` (Hendrycks et al., 2020): policies
that chain augmentations drawn from one list of eleven."""

from __future__ import annotations

import numpy as np

from minikeras.layers.preprocessing.image_augmentation.affine_augmentations import (
    RandomRotation,
    RandomShear,
    RandomTranslation,
)
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    BaseAugmentation,
    symmetric_range,
)
from minikeras.layers.preprocessing.image_augmentation.color_augmentations import (
    RandomBrightness,
    RandomContrast,
    Solarization,
)
from minikeras.layers.preprocessing.image_augmentation.pipeline_layers import AutoContrast
from minikeras.layers.preprocessing.image_augmentation.quality_augmentations import (
    RandomColorDegeneration,
    RandomSharpness,
)
from minikeras.layers.preprocessing.image_augmentation.tone_augmentations import (
    Equalization,
    RandomPosterization,
)
from minikeras.random import beta, gamma, randint

AUGMENT_LAYERS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)


def build_augmenters(factor, value_range, interpolation, seed, data_format) -> dict:
    """The eleven augmentations at magnitude range `factor`, by Keras attribute name."""
    f = factor
    common = {"seed": seed, "data_format": data_format}
    colour = {"value_range": value_range, **common}
    return {
        "random_shear": RandomShear(x_factor=f, y_factor=f, interpolation=interpolation, **common),
        "random_translation": RandomTranslation(
            height_factor=f, width_factor=f, interpolation=interpolation, **common
        ),
        "random_rotation": RandomRotation(factor=f, interpolation=interpolation, **common),
        "random_brightness": RandomBrightness(factor=f, **colour),
        "random_color_degeneration": RandomColorDegeneration(factor=f, **colour),
        "random_contrast": RandomContrast(factor=f, **colour),
        "random_sharpness": RandomSharpness(factor=f, **colour),
        "random_posterization": RandomPosterization(factor=max(1, int(8 * f[1])), **colour),
        "solarization": Solarization(addition_factor=f, threshold_factor=f, **colour),
        "auto_contrast": AutoContrast(value_range=value_range, data_format=data_format),
        "equalization": Equalization(value_range=value_range, data_format=data_format),
    }


class RandAugment(BaseAugmentation):
    """Applies `num_ops` augmentations, each drawn from Keras's list of eleven.

    The list, in Keras's order: shear, translation, rotation, brightness, colour
    degeneration, contrast, sharpness, posterization, solarization, auto-contrast and
    equalization, each with magnitude range `factor` (posterization keeps
    `max(1, int(8 * factor[1]))` bits at least). As in Keras, one augmentation is
    drawn per step for the whole batch.

    Args:
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        num_ops: Number of augmentations applied in a row.
        factor: Magnitude `f` in `[0, 1]` (range `[0, f]`) or `(a, b)`.
        interpolation: `"bilinear"` or `"nearest"` for the geometric ones.
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
        >>> RandAugment(seed=0)(np.full((2, 8, 8, 3), 100.0, "float32")).shape
        (2, 8, 8, 3)
    """

    AUGMENT_LAYERS = AUGMENT_LAYERS

    def __init__(
        self,
        value_range=(0, 255),
        num_ops=2,
        factor=0.5,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.interpolation = interpolation
        self._augmenters = build_augmenters(
            self.factor, value_range, interpolation, seed, data_format
        )

    def augment(self, images):
        steps = list(self._augmenters.values())
        picks = randint((self.num_ops,), 0, len(steps), seed=self.generator)
        for pick in picks:
            images = steps[int(pick)].augment(images)
        return images.astype(self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
        }


class AugMix(BaseAugmentation):
    """Mixes each batch with `num_chains` chains of random augmentations.

    Each chain applies up to `chain_depth` augmentations drawn from the same list as
    `RandAugment` (the first seven only when `all_ops=False`; each draw may also skip);
    the chains are averaged with Dirichlet(`alpha`) weights and the result blended with
    the input by `m ~ Beta(alpha, alpha)`, then clipped to `value_range`. Draws come
    from the layer's own generator, so `seed` makes them repeatable.

    Args:
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
        num_chains: Number of augmentation chains.
        chain_depth: Most augmentations per chain.
        factor: Magnitude `f` in `[0, 1]` (range `[0, f]`) or `(a, b)`.
        alpha: Parameter of the Dirichlet and Beta distributions.
        all_ops: Whether to include the colour augmentations (brightness, colour
            degeneration, contrast, sharpness).
        interpolation: `"bilinear"` or `"nearest"` for the geometric ones.
        seed: Random seed.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    ALL_OPS = (
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
    )

    def __init__(
        self,
        value_range=(0, 255),
        num_chains=3,
        chain_depth=3,
        factor=0.3,
        alpha=1.0,
        all_ops=True,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = symmetric_range(factor, "factor", (0, 1))
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        augmenters = build_augmenters(self.factor, value_range, interpolation, seed, data_format)
        names = self.ALL_OPS if all_ops else self.ALL_OPS[:7]
        self._augmenters = {name: augmenters[name] for name in names}

    def augment(self, images):
        steps = list(self._augmenters.values())
        weights = gamma((self.num_chains,), self.alpha, seed=self.generator)
        weights = weights / weights.sum()
        blend = float(beta((), self.alpha, self.alpha, seed=self.generator))
        mixed = np.zeros_like(images)
        for chain in range(self.num_chains):
            x = images
            picks = randint((self.chain_depth,), 0, len(steps) + 1, seed=self.generator)
            for pick in picks:
                if int(pick) < len(steps):  # the last index skips this step
                    x = steps[int(pick)].augment(x)
            mixed = mixed + x * weights[chain]
        out = blend * images + (1.0 - blend) * mixed
        return np.clip(out, self.value_range[0], self.value_range[1]).astype(self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
        }
