"""Colour, tone and mixing augmentation layers against Keras 3.15.

The deterministic half of each layer (its transform given the random draws, whole
calls with zero-width factor ranges, `Equalization`, the CutMix/RandomErasing
rectangles, configs) is compared with
`tests/fixtures/augmentation/make_color_mix_fixtures.py`'s recording of real Keras;
the random half is checked by its distribution.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from minikeras import layers, ops
from minikeras.layers.preprocessing.image_augmentation import mixing_augmentations
from minikeras.ops.image_affine import sample_images
from minikeras.testing import gradient_check

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "augmentation")
FIX = np.load(os.path.join(HERE, "color_mix.npz"))
with open(os.path.join(HERE, "color_mix_configs.json")) as _f:
    CONFIGS = json.load(_f)["configs"]
IMAGES = FIX["images"]
LABELS = FIX["labels"]
CF = IMAGES.transpose(0, 3, 1, 2)


def test_rgb_hsv_ops_equal_keras():
    x = IMAGES / 255.0
    np.testing.assert_allclose(ops.image.rgb_to_hsv(x), FIX["ops/rgb_to_hsv"], atol=1e-6)
    np.testing.assert_allclose(ops.image.hsv_to_rgb(x), FIX["ops/hsv_to_rgb"], atol=1e-6)
    got = ops.image.rgb_to_hsv(x.transpose(0, 3, 1, 2), data_format="channels_first")
    np.testing.assert_allclose(got, FIX["ops/rgb_to_hsv_cf"], atol=1e-6)
    np.testing.assert_allclose(
        ops.image.rgb_to_grayscale(IMAGES), FIX["ops/rgb_to_grayscale"], rtol=1e-6
    )
    blurred = ops.image.gaussian_blur(IMAGES, kernel_size=(3, 5), sigma=(0.6, 1.4))
    np.testing.assert_allclose(blurred, FIX["ops/gaussian_blur"], rtol=1e-5, atol=1e-3)
    back = ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(x))
    np.testing.assert_allclose(back, x, atol=1e-6)


def test_rgb_hsv_ops_gradient_float64():
    x = np.random.default_rng(1).uniform(0.1, 0.9, (1, 2, 3, 3))
    assert gradient_check(lambda im: ops.image.hsv_to_rgb(im), [x]) < 1e-5
    assert gradient_check(lambda im: ops.image.rgb_to_hsv(im), [x]) < 1e-5


def test_rgb_hsv_ops_errors():
    with pytest.raises(ValueError, match="float dtype"):
        ops.image.rgb_to_hsv(np.zeros((2, 2, 3), "int32"))
    with pytest.raises(ValueError, match="rank"):
        ops.image.hsv_to_rgb(np.zeros((2, 3), "float32"))


def _perspective():
    h, w = IMAGES.shape[1:3]
    start = np.array([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], "float32")
    start = np.repeat(start[None], 4, axis=0)
    d = np.random.default_rng(3).uniform(-0.2, 0.2, (4, 4, 2)).astype("float32")
    return {
        "apply_perspective": np.array([True, True, False, True]),
        "start_points": start,
        "end_points": start + start * d,
    }


TRANSFORMS = {
    "hue": (
        lambda: layers.RandomHue(0.5),
        {"factor": np.array([0.1, -0.25, 0.45, 0.0], "float32")},
        IMAGES,
    ),
    "hue_01": (
        lambda: layers.RandomHue(0.5, value_range=(0, 1)),
        {"factor": np.array([0.1, -0.25, 0.45, 0.0], "float32")},
        IMAGES / 255.0,
    ),
    "hue_cf": (
        lambda: layers.RandomHue(0.5, data_format="channels_first"),
        {"factor": np.array([0.1, -0.25, 0.45, 0.0], "float32")},
        CF,
    ),
    "saturation": (
        lambda: layers.RandomSaturation(0.5),
        {"factor": np.array([0.0, 0.5, 1.0, 3.0], "float32")},
        IMAGES,
    ),
    "saturation_cf": (
        lambda: layers.RandomSaturation(0.5, data_format="channels_first"),
        {"factor": np.array([0.0, 0.5, 1.0, 3.0], "float32")},
        CF,
    ),
    "invert": (
        lambda: layers.RandomInvert(value_range=(0, 200)),
        {"apply_inversion": np.array([True, False, False, True])},
        IMAGES,
    ),
    "posterization": (
        lambda: layers.RandomPosterization(4),
        {"shift_factor": np.array([7, 4, 1, 0], "uint8")},
        IMAGES,
    ),
    "degeneration": (
        lambda: layers.RandomColorDegeneration(1.0),
        {"factor": np.array([0.0, 0.5, 1.0, -0.5], "float32").reshape(4, 1, 1, 1)},
        IMAGES,
    ),
    "sharpness": (
        lambda: layers.RandomSharpness(1.0),
        {"factor": np.array([0.0, 0.25, 0.75, 1.0], "float32")},
        IMAGES,
    ),
    "sharpness_cf": (
        lambda: layers.RandomSharpness(1.0, data_format="channels_first"),
        {"factor": np.array([0.0, 0.25, 0.75, 1.0], "float32")},
        CF,
    ),
    "perspective": (lambda: layers.RandomPerspective(fill_value=-3.0), _perspective(), IMAGES),
    "perspective_nearest_cf": (
        lambda: layers.RandomPerspective(interpolation="nearest", data_format="channels_first"),
        _perspective(),
        CF,
    ),
    "gaussian_blur": (
        lambda: layers.RandomGaussianBlur(kernel_size=(5, 3), value_range=(0, 200)),
        {
            "should_apply_blur": np.array([True, False, True, True]),
            "blur_factor": np.array([0.4, 0.9], "float32"),
        },
        IMAGES,
    ),
    "posterization_01": (
        lambda: layers.RandomPosterization(4, value_range=(0, 1)),
        {"shift_factor": np.array([6, 3, 2, 5], "uint8")},
        IMAGES / 255.0,
    ),
}


def _masks():
    masks = np.zeros(IMAGES.shape, bool)
    masks[0, 1:4, 2:6] = True
    masks[2, :, 3:] = True
    return masks


MIXING = {
    "mix_up": (
        layers.MixUp,
        {
            "mix_weight": np.array([0.9, 0.2, 0.55, 1.0], "float32"),
            "permutation_order": np.array([2, 0, 3, 1]),
        },
    ),
    "cut_mix": (
        layers.CutMix,
        {
            "permutation_order": np.array([3, 2, 0, 1]),
            "batch_masks": _masks(),
            "mix_weight": np.array([1 - 12 / 42, 1.0, 1 - 24 / 42, 1.0], "float32"),
        },
    ),
    "erasing": (
        layers.RandomErasing,
        {
            "apply_erasing": np.array([True, False, True, True]),
            "batch_masks": _masks(),
            "fill_value": np.broadcast_to(
                np.array([9.0, 19.0, 29.0], "float32"), IMAGES.shape
            ).copy(),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_given_draws_equals_keras(name):
    make, transformation, images = TRANSFORMS[name]
    got = make().transform_images(images.astype("float32"), transformation)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, FIX[f"transform/{name}"], rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", sorted(MIXING))
def test_mixing_transform_given_draws_equals_keras(name):
    cls, transformation = MIXING[name]
    layer = cls()
    np.testing.assert_allclose(
        layer.transform_images(IMAGES, transformation), FIX[f"transform/{name}"], atol=1e-4
    )
    if f"transform_labels/{name}" in FIX.files:
        np.testing.assert_allclose(
            layer.transform_labels(LABELS, transformation),
            FIX[f"transform_labels/{name}"],
            atol=1e-6,
        )


CALLS = {
    "hue_zero": (lambda: layers.RandomHue(0.0), IMAGES),
    "hue_zero_01_cf": (
        lambda: layers.RandomHue(0.0, value_range=(0, 1), data_format="channels_first"),
        CF / 255.0,
    ),
    "saturation_half": (lambda: layers.RandomSaturation((0.5, 0.5)), IMAGES),
    "saturation_third": (lambda: layers.RandomSaturation((0.25, 0.25)), IMAGES),
    "saturation_strong": (lambda: layers.RandomSaturation((0.8, 0.8)), IMAGES),
    "saturation_zero": (lambda: layers.RandomSaturation(0.0), IMAGES),
    "jitter_brightness": (lambda: layers.RandomColorJitter(brightness_factor=(0.1, 0.1)), IMAGES),
    "jitter_saturation_hue0": (
        lambda: layers.RandomColorJitter(saturation_factor=(0.3, 0.3), hue_factor=0.0),
        IMAGES,
    ),
    "equalization": (lambda: layers.Equalization(), IMAGES),
    "equalization_bins64": (lambda: layers.Equalization(bins=64), IMAGES),
    "equalization_01": (lambda: layers.Equalization(value_range=(0, 1)), IMAGES / 255.0),
    "equalization_cf": (lambda: layers.Equalization(data_format="channels_first"), CF),
    "invert_always": (lambda: layers.RandomInvert((1.0, 1.0)), IMAGES),
    "invert_never": (lambda: layers.RandomInvert(0.0), IMAGES),
    "posterization_3": (lambda: layers.RandomPosterization((3, 3)), IMAGES),
    "posterization_1_01": (
        lambda: layers.RandomPosterization((1, 1), value_range=(0, 1)),
        IMAGES / 255.0,
    ),
    "erasing_never": (lambda: layers.RandomErasing(0.0), IMAGES),
    "degeneration_full": (lambda: layers.RandomColorDegeneration((1.0, 1.0)), IMAGES),
    "degeneration_03": (lambda: layers.RandomColorDegeneration((0.3, 0.3)), IMAGES),
    "sharpness_identity": (lambda: layers.RandomSharpness((0.5, 0.5)), IMAGES),
    "sharpness_blur": (lambda: layers.RandomSharpness((0.1, 0.1)), IMAGES),
    "sharpness_sharpen_cf": (
        lambda: layers.RandomSharpness((0.9, 0.9), data_format="channels_first"),
        CF,
    ),
    "perspective_flat": (lambda: layers.RandomPerspective((1.0, 1.0), scale=0.0), IMAGES),
    "rand_augment_none": (lambda: layers.RandAugment(num_ops=0), IMAGES),
    "gaussian_blur_fixed": (
        lambda: layers.RandomGaussianBlur((1.0, 1.0), sigma=(0.5, 0.5)),
        IMAGES,
    ),
    "gaussian_blur_fixed_cf": (
        lambda: layers.RandomGaussianBlur(
            (1.0, 1.0), kernel_size=(5, 3), sigma=(0.7, 0.7), data_format="channels_first"
        ),
        CF,
    ),
    "gaussian_blur_never": (lambda: layers.RandomGaussianBlur(0.0), IMAGES),
    "elastic_scale0": (lambda: layers.RandomElasticTransform(scale=0.0), IMAGES),
    "elastic_never": (lambda: layers.RandomElasticTransform(factor=0.0), IMAGES),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_deterministic_calls_equal_keras(name):
    make, images = CALLS[name]
    layer = make()
    images = images.astype("float32")
    got = layer(images, training=True)
    assert got.dtype == np.float32 and got.shape == images.shape
    np.testing.assert_allclose(got, FIX[f"call/{name}"], rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(
        layer(images[1], training=True), FIX[f"call_single/{name}"], rtol=1e-5, atol=1e-3
    )
    np.testing.assert_array_equal(layer(images, training=False), FIX[f"call_eval/{name}"])


BOXES = {
    "cut_mix": (
        (3, 6, 7, 2),
        "channels_last",
        ([0.0, 1.5, 2.2], [3.0, 6.9, 2.2], [0.5, 0.0, 1.0], [4.0, 6.0, 5.5]),
    ),
    "cut_mix_cf": (
        (3, 2, 6, 7),
        "channels_first",
        ([0.0, 1.5, 2.2], [3.0, 6.9, 2.2], [0.5, 0.0, 1.0], [4.0, 6.0, 5.5]),
    ),
    "erasing": ((2, 5, 5, 3), "channels_last", ([1.0, 0.2], [3.99, 5.0], [0.0, 2.5], [5.0, 3.5])),
}


@pytest.mark.parametrize("name", sorted(BOXES))
def test_rectangle_masks_equal_keras(name):
    shape, data_format, corners = BOXES[name]
    masks, area = mixing_augmentations._box_masks(shape, corners, data_format)
    np.testing.assert_array_equal(masks, FIX[f"mask/{name}"])
    if f"mask_weight/{name}" in FIX.files:  # CutMix's label weight: 1 - pasted area
        np.testing.assert_allclose(1.0 - area, FIX[f"mask_weight/{name}"].reshape(-1), rtol=1e-6)


def _normalized(value):
    if isinstance(value, (list, tuple)):
        return [_normalized(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_config_keys_values_and_round_trip(name):
    entry = CONFIGS[name]
    cls = getattr(layers, entry["class_name"])
    layer = cls(**entry["kwargs"])
    ours = layer.get_config()
    keras_config = entry["config"]
    assert set(ours) == set(keras_config)
    for key, value in keras_config.items():
        if key in ("name", "dtype"):
            continue
        assert _normalized(ours[key]) == _normalized(value), key
    # Keras's own config builds the same layer here.
    config = {k: v for k, v in keras_config.items() if k not in ("name", "dtype")}
    rebuilt = cls.from_config(config).get_config()
    for key, value in config.items():
        assert _normalized(rebuilt[key]) == _normalized(value), key
    again = cls.from_config(json.loads(json.dumps(ours))).get_config()
    assert _normalized(list(again.items())) == _normalized(list(ours.items()))


STEPS = sorted(k.split("/")[1] for k in FIX.files if k.startswith("rand_augment_step/"))


def test_rand_augment_steps_at_factor_zero_equal_keras():
    """With `factor=0` every step is deterministic; each equals Keras's step."""
    layer = layers.RandAugment(factor=0.0)
    assert len(STEPS) == len(layer.AUGMENT_LAYERS) == 11
    for step in layer.AUGMENT_LAYERS:
        got = layer._augmenters[step](IMAGES, training=True)
        np.testing.assert_allclose(got, FIX[f"rand_augment_step/{step}"], atol=1e-3, err_msg=step)


def test_rand_augment_applies_num_ops_drawn_steps():
    layer = layers.RandAugment(factor=0.0, num_ops=1, seed=4)
    keras_steps = [FIX[f"rand_augment_step/{s}"] for s in layer.AUGMENT_LAYERS]
    seen = set()
    for _ in range(60):
        out = layer(IMAGES, training=True)
        matches = [i for i, k in enumerate(keras_steps) if np.allclose(out, k, atol=1e-3)]
        assert matches, "each call applies exactly one of the eleven steps"
        seen.update(matches)
    assert len(seen) >= 9  # about 11 * (1 - (10/11)**60) distinct steps are drawn
    two = layers.RandAugment(factor=0.0, num_ops=2, seed=4)(IMAGES, training=True)
    assert two.shape == IMAGES.shape and two.dtype == np.float32


def test_aug_mix_blends_the_input_with_chains_of_keras_steps():
    """factor 0, one chain of depth 1: `m * x + (1 - m) * step(x)` for one of Keras's
    eleven steps (or no step), `m` in [0, 1]."""
    layer = layers.AugMix(factor=0.0, num_chains=1, chain_depth=1, seed=5)
    candidates = [IMAGES] + [FIX[f"rand_augment_step/{s}"] for s in layer.ALL_OPS]
    blends = []
    for _ in range(30):
        out = layer(IMAGES, training=True).astype(np.float64)
        fits = []
        for cand in candidates:
            d = (cand - IMAGES).ravel()
            if not d.any():
                continue
            m = 1.0 - np.dot(out.ravel() - IMAGES.ravel(), d) / np.dot(d, d)
            if np.allclose(m * IMAGES + (1 - m) * cand, out, atol=5e-3) and -1e-6 <= m <= 1:
                fits.append(m)
        assert fits or np.allclose(out, IMAGES, atol=1e-3)
        blends.extend(fits[:1])
    assert len(blends) > 15 and 0.2 < np.mean(blends) < 0.8  # Beta(1, 1) weights
    few = layers.AugMix(all_ops=False, seed=1)
    assert list(few._augmenters) == list(layer.ALL_OPS[:7])


@pytest.mark.parametrize("mode", ["constant", "nearest", "reflect"])
def test_elastic_sampling_equals_keras_map_coordinates(mode):
    """The sampler under `elastic_transform` reads arbitrary coordinates as Keras's
    `ops.image.map_coordinates(order=1)` does."""
    plane = IMAGES[0, ..., 0]
    rows, cols = FIX["map/coords"]
    got = sample_images(plane[None, :, :, None], rows[None], cols[None], "bilinear", mode, 3.0)
    np.testing.assert_allclose(got[0, ..., 0], FIX[f"map/{mode}"], rtol=1e-5, atol=1e-3)


def test_elastic_field_is_smooth_scaled_and_independent_per_axis():
    h = w = 48
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    ramps = np.stack([cols, rows, np.zeros_like(rows)], axis=-1).astype("float32")[None]
    ramps = np.repeat(ramps, 4, axis=0)
    out = ops.image.elastic_transform(
        ramps, alpha=8.0, sigma=3.0, fill_mode="nearest", seed=3, data_format="channels_last"
    )
    inner = (slice(None), slice(8, -8), slice(8, -8))
    dx = (out[..., 0] - ramps[..., 0])[inner]  # a ramp reads back its displacement
    dy = (out[..., 1] - ramps[..., 1])[inner]
    assert 0.05 < dx.std() < 8.0 and 0.05 < dy.std() < 8.0
    assert abs(np.corrcoef(dx.ravel(), dy.ravel())[0, 1]) < 0.3  # independent axes
    steps = np.abs(np.diff(dx, axis=-1)).mean()
    assert steps < 0.3 * dx.std()  # neighbouring displacements nearly agree: smooth
    again = ops.image.elastic_transform(ramps, 8.0, 3.0, fill_mode="nearest", seed=3)
    np.testing.assert_array_equal(again, out)  # an int seed is stateless
    weaker = ops.image.elastic_transform(ramps, 2.0, 3.0, fill_mode="nearest", seed=3)
    np.testing.assert_allclose((weaker[..., 0] - ramps[..., 0])[inner], dx / 4, atol=1e-3)


def test_elastic_transform_gradient_float64():
    x = np.random.default_rng(2).normal(size=(1, 6, 5, 2))
    f = lambda im: ops.image.elastic_transform(im, 3.0, 1.0, seed=7)  # noqa: E731
    assert gradient_check(f, [x]) < 1e-5


# ---- the random half, by its distribution ---------------------------------------------

RNG = np.random.default_rng(5)
MANY = RNG.uniform(0, 255, (300, 4, 4, 3)).astype("float32")


def _hsv(x):
    return np.asarray(ops.image.rgb_to_hsv(x / 255.0))


def test_random_hue_shifts_by_plus_or_minus_half_the_factor():
    out = layers.RandomHue((0.4, 0.4), seed=1)(MANY)
    shift = np.mod(_hsv(out)[..., 0] - _hsv(MANY)[..., 0], 1.0)
    per_image = np.median(shift.reshape(len(MANY), -1), axis=1)
    near = lambda v: np.abs(per_image - v) < 1e-3  # noqa: E731
    assert np.all(near(0.2) | near(0.8))
    assert 0.35 < near(0.2).mean() < 0.65  # the sign is a fair coin


def test_random_saturation_scale_follows_the_factor_range():
    lo, hi = 0.2, 0.7
    out = layers.RandomSaturation((lo, hi), seed=2)(MANY)
    s_in, s_out = _hsv(MANY)[..., 1], _hsv(out)[..., 1]
    ratio = np.median((s_out / np.maximum(s_in, 1e-3)).reshape(len(MANY), -1), axis=1)
    keep = ratio * np.median(s_in.reshape(len(MANY), -1), axis=1) < 0.95  # not saturated
    bounds = (lo / (1 - lo), hi / (1 - hi))
    assert np.all((ratio[keep] > bounds[0] - 1e-3) & (ratio[keep] < bounds[1] + 1e-3))
    assert ratio.min() < 0.4 and ratio.max() > 1.5


def test_random_invert_probability():
    out = layers.RandomInvert((0.5, 0.5), seed=3)(MANY)
    inverted = np.all(np.isclose(out, 255.0 - MANY), axis=(1, 2, 3))
    unchanged = np.all(out == MANY, axis=(1, 2, 3))
    assert np.all(inverted | unchanged)
    assert 0.4 < inverted.mean() < 0.6


def test_random_posterization_keeps_the_drawn_number_of_bits():
    out = layers.RandomPosterization((2, 5), seed=4)(MANY)
    ints = out.astype(np.int64).reshape(len(MANY), -1)
    # low bits dropped: the largest power of two dividing every value of an image
    shift = np.array([min(int(np.log2(v & -v)) if v else 8 for v in row) for row in ints])
    assert set(np.unique(shift)) <= {4, 5, 6, 7, 8} and {4, 5}.issubset(set(shift))
    assert np.all(out <= MANY) and np.all(MANY - out < 64)


def test_mixup_mixes_images_and_labels_with_one_weight():
    n = 64
    labels = np.eye(n, dtype="float32")
    out = layers.MixUp(alpha=0.4, seed=5)({"images": MANY[:n], "labels": labels})
    mixed = out["labels"]
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-6)
    weight = mixed[np.arange(n), np.arange(n)]
    partner = np.argmax(mixed - np.diag(weight), axis=1)
    partner = np.where(np.isclose(weight, 1.0), np.arange(n), partner)
    w = weight[:, None, None, None]
    expect = w * MANY[:n] + (1 - w) * MANY[:n][partner]
    np.testing.assert_allclose(out["images"], expect, rtol=1e-4, atol=1e-2)
    assert 0.3 < weight.mean() < 0.7  # Beta(a, a) is symmetric around 0.5
    assert np.mean((weight < 0.1) | (weight > 0.9)) > 0.3  # a < 1 favours the ends


def test_cutmix_pastes_one_rectangle_and_weights_labels_by_area():
    n = 64
    images = np.repeat(np.arange(n, dtype="float32")[:, None, None, None], 3, axis=-1)
    images = np.broadcast_to(images, (n, 10, 12, 3)).copy()
    out = layers.CutMix(seed=6)({"images": images, "labels": np.eye(n, dtype="float32")})
    for i in range(n):
        values = np.unique(out["images"][i])
        assert len(values) <= 2 and i in values or len(values) == 1
        pasted = out["images"][i, ..., 0] != i
        if pasted.any():
            rows, cols = np.nonzero(pasted)
            box = pasted[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
            assert box.all()  # one axis-aligned rectangle
        kept = 1.0 - pasted.mean()
        assert abs(out["labels"][i, i] - kept) <= (10 + 12 + 1) / 120 + 1e-6
    single = images[0]
    np.testing.assert_array_equal(layers.CutMix(seed=0)(single), single)


def test_random_erasing_fills_a_rectangle_with_the_fill_value():
    images = MANY[:100] * 0 + 100.0
    out = layers.RandomErasing(factor=1.0, scale=(0.1, 0.3), fill_value=7.0, seed=7)(images)
    erased = out[..., 0] == 7.0
    frac = erased.reshape(100, -1).mean(axis=1)
    assert np.all(np.isin(out, [7.0, 100.0]))
    assert 0.3 < (frac > 0).mean() < 0.7  # p ~ U(0, 1): erased half the time
    noise = layers.RandomErasing(factor=(1.0, 1.0), scale=(0.3, 0.3), seed=8)(images)
    assert noise.min() >= 0 and noise.max() <= 255 and (noise != 100.0).any()


RANDOM = [
    lambda seed: layers.RandomHue(0.3, seed=seed),
    lambda seed: layers.RandomSaturation(0.6, seed=seed),
    lambda seed: layers.RandomColorJitter(
        brightness_factor=0.2, contrast_factor=0.2, saturation_factor=0.4, hue_factor=0.2, seed=seed
    ),
    lambda seed: layers.RandomInvert(seed=seed),
    lambda seed: layers.RandomPosterization((1, 6), seed=seed),
    lambda seed: layers.MixUp(seed=seed),
    lambda seed: layers.CutMix(seed=seed),
    lambda seed: layers.RandomErasing(seed=seed),
    lambda seed: layers.RandomColorDegeneration(0.8, seed=seed),
    lambda seed: layers.RandomSharpness(0.9, seed=seed),
    lambda seed: layers.RandomPerspective(scale=0.5, seed=seed),
    lambda seed: layers.RandAugment(seed=seed),
    lambda seed: layers.RandomGaussianBlur(seed=seed),
    lambda seed: layers.AugMix(seed=seed),
    lambda seed: layers.RandomElasticTransform(scale=0.5, seed=seed),
]


@pytest.mark.parametrize("make", RANDOM)
def test_seeded_random_in_training_identity_at_inference(make):
    x = MANY[:16]
    a, b = make(3), make(3)
    first = a(x, training=True)
    np.testing.assert_array_equal(first, b(x, training=True))
    assert not np.array_equal(first, a(x, training=True))  # the generator advances
    assert not np.array_equal(first, x)
    np.testing.assert_array_equal(a(x, training=False), x)
    assert first.dtype == np.float32


def test_layers_inside_fit_and_predict():
    import minikeras as keras

    model = keras.Sequential(
        [
            keras.Input((4, 4, 3)),
            layers.RandomColorJitter(brightness_factor=0.1, hue_factor=0.1, seed=1),
            layers.Equalization(),
            layers.RandomErasing(seed=2),
            layers.Rescaling(1 / 255.0),
            layers.Flatten(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    y = (MANY[:32].mean(axis=(1, 2, 3)) > 127).astype("int32")
    history = model.fit(MANY[:32], y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    dense = model.layers[-1]
    want = np.asarray(ops.softmax(MANY[:4].reshape(4, -1) / 255.0 @ dense.kernel + dense.bias))
    np.testing.assert_allclose(model.predict(MANY[:4], verbose=0), want, rtol=1e-4, atol=1e-6)


def test_argument_errors():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomHue(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomPosterization(9)
    with pytest.raises(ValueError, match="value_range"):
        layers.Equalization(value_range=3)
    with pytest.raises(ValueError, match="fill_value"):
        layers.RandomErasing(fill_value=[1, 2])
    with pytest.raises(ValueError, match="images"):
        layers.MixUp()({"labels": np.zeros((2, 2))})


# ---- files both ways -------------------------------------------------------------------


def test_keras_saved_model_with_these_layers_loads_and_predicts_the_same(tmp_path):
    """A Keras 3.15 `.keras` file (every layer above except Equalization, see the
    generator) loads here; at inference the augmentations pass images through."""
    import minikeras as keras

    model = keras.saving.load_model(os.path.join(HERE, "augment_model.keras"))
    want = np.load(os.path.join(HERE, "augment_model_out.npy"))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), want, rtol=1e-5, atol=1e-5)
    names = [type(layer).__name__ for layer in model.layers]
    assert names[:3] == ["RandomHue", "RandomSaturation", "RandomColorJitter"]
    assert {"RandAugment", "AugMix", "MixUp", "CutMix", "RandomPerspective"} <= set(names)
    assert "RandomElasticTransform" in names
    model.save(tmp_path / "again.keras")
    again = keras.saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(IMAGES, verbose=0), want, rtol=1e-5, atol=1e-5)


@pytest.mark.oracle
def test_real_keras_loads_our_model_with_these_layers(tmp_path):
    import subprocess

    from conftest import real_keras_python, subprocess_env

    import minikeras as keras

    python = real_keras_python()
    model = keras.saving.load_model(os.path.join(HERE, "augment_model.keras"))
    model.save(tmp_path / "ours.keras")
    script = f"""
import os
os.environ["KERAS_BACKEND"] = "jax"
import numpy as np, keras
x = np.load({os.path.join(HERE, "color_mix.npz")!r})["images"]
model = keras.saving.load_model({str(tmp_path / "ours.keras")!r})
np.save({str(tmp_path / "out.npy")!r}, model.predict(x, verbose=0))
"""
    done = subprocess.run(
        [python, "-c", script], capture_output=True, text=True, timeout=300, env=subprocess_env()
    )
    assert done.returncode == 0, done.stderr[-3000:]
    want = np.load(os.path.join(HERE, "augment_model_out.npy"))
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), want, rtol=1e-5, atol=1e-5)
