"""Image augmentation layers: Keras 3 (TensorFlow backend) parity for fixed factors,
identity at inference, seeds, data formats, fill modes and interpolation.

Fixtures from tests/fixtures/augmentation/make_augmentation_fixtures.py (Keras 3.15).
"""

import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.ops.image_affine import affine_transform
from minikeras.testing import gradient_check

FIX = np.load(
    os.path.join(os.path.dirname(__file__), "fixtures", "augmentation", "augmentation.npz")
)
IMAGES = FIX["images"]
TRANSFORMS = {
    "shift": [1, 0, 2.5, 0, 1, -1.25, 0, 0],
    "rotate": [0.8, -0.6, 3.0, 0.6, 0.8, -2.0, 0, 0],
    "zoom_out": [1.7, 0, -3.2, 0, 1.4, -1.1, 0, 0],
    "projective": [1.1, 0.2, -1.0, -0.1, 0.9, 0.5, 0.01, -0.02],
}
LAYERS = {
    "rotation_90": lambda: layers.RandomRotation((0.25, 0.25)),
    "rotation_small_nearest": lambda: layers.RandomRotation(
        (0.07, 0.07), fill_mode="nearest", interpolation="nearest"
    ),
    "rotation_constant": lambda: layers.RandomRotation(
        (-0.1, -0.1), fill_mode="constant", fill_value=5.0
    ),
    "zoom_in_wrap": lambda: layers.RandomZoom((-0.3, -0.3), (0.2, 0.2), fill_mode="wrap"),
    "zoom_out_reflect": lambda: layers.RandomZoom((0.5, 0.5)),
    "translation": lambda: layers.RandomTranslation((0.2, 0.2), (-0.3, -0.3)),
    "translation_nearest_cf": lambda: layers.RandomTranslation(
        (0.1, 0.1), (0.25, 0.25), fill_mode="nearest", data_format="channels_first"
    ),
    "brightness": lambda: layers.RandomBrightness((0.1, 0.1)),
    "brightness_range01": lambda: layers.RandomBrightness((-0.2, -0.2), value_range=(0, 1)),
}


@pytest.mark.parametrize("key", sorted(k for k in FIX.files if k.startswith("affine/")))
def test_affine_transform_equals_tensorflow(key):
    _, name, mode, interp = key.split("/")
    out = affine_transform(IMAGES, np.array(TRANSFORMS[name], "float32"), interp, mode, -7.0)
    np.testing.assert_allclose(out, FIX[key], rtol=1e-5, atol=2e-3)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_fixed_factor_layers_equal_keras(name):
    layer = LAYERS[name]()
    x = IMAGES if layer.data_format == "channels_last" else IMAGES.transpose(0, 3, 1, 2)
    if "range01" in name:
        x = x / 255.0
    np.testing.assert_allclose(layer(x, training=True), FIX[f"layer/{name}"], rtol=1e-5, atol=2e-3)
    np.testing.assert_allclose(
        layer(x[0], training=True), FIX[f"layer_single/{name}"], rtol=1e-5, atol=2e-3
    )
    np.testing.assert_array_equal(layer(x, training=False), FIX[f"layer_eval/{name}"])


def test_affine_transform_gradient_float64():
    x = np.random.default_rng(0).normal(size=(1, 4, 5, 2))
    t = np.array([0.9, -0.2, 0.7, 0.3, 1.1, -0.4, 0, 0])
    assert gradient_check(lambda im: affine_transform(im, t, "bilinear", "reflect"), [x]) < 1e-5


ALL = [
    lambda: layers.RandomFlip(seed=1),
    lambda: layers.RandomRotation(0.2, seed=1),
    lambda: layers.RandomZoom(0.3, seed=1),
    lambda: layers.RandomTranslation(0.2, 0.2, seed=1),
    lambda: layers.RandomContrast(0.5, seed=1),
    lambda: layers.RandomBrightness(0.3, seed=1),
    lambda: layers.RandomShear(0.2, 0.2, seed=1),
    lambda: layers.RandomGrayscale(0.5, seed=1),
    lambda: layers.Solarization(0.2, 0.5, seed=1),
]


@pytest.mark.parametrize("make", ALL)
def test_random_in_training_identity_at_inference_and_seeded(make):
    x = np.concatenate([IMAGES] * 4)
    a, b = make(), make()
    np.testing.assert_array_equal(a(x, training=False), x)
    out_a = a(x, training=True)
    assert out_a.shape == x.shape and out_a.dtype == np.float32
    assert not np.allclose(out_a, x)
    np.testing.assert_array_equal(out_a, b(x, training=True))  # same seed, same draws
    assert not np.array_equal(out_a, a(x, training=True))  # the generator advances


def test_direct_call_augments_and_predict_does_not():
    flip = layers.RandomFlip("horizontal", seed=4)
    x = np.stack([IMAGES[0]] * 16)
    out = flip(x)  # Keras 3: a direct call trains (training defaults to True)
    flipped = [np.array_equal(o, x[0][:, ::-1]) for o in out]
    assert 0 < sum(flipped) < 16
    assert all(f or np.array_equal(o, x[0]) for f, o in zip(flipped, out))
    model = keras.Sequential([keras.Input((7, 9, 3)), flip])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_crop_height_width():
    crop = layers.RandomCrop(4, 5, seed=0)
    out = crop(IMAGES, training=True)
    assert out.shape == (2, 4, 5, 3)
    windows = [IMAGES[:, i : i + 4, j : j + 5] for i in range(4) for j in range(5)]
    assert any(np.array_equal(out, w) for w in windows)
    assert crop(IMAGES, training=False).shape == (2, 4, 5, 3)
    h = layers.RandomHeight((0.5, 0.5), seed=0)(IMAGES, training=True)
    w = layers.RandomWidth((-0.5, -0.5), seed=0)(IMAGES, training=True)
    assert h.shape == (2, 10, 9, 3) and w.shape == (2, 7, 4, 3)
    np.testing.assert_array_equal(layers.RandomHeight(0.3)(IMAGES, training=False), IMAGES)


def test_channels_first_matches_channels_last():
    x = IMAGES
    last = layers.RandomRotation(0.2, seed=9)(x, training=True)
    first = layers.RandomRotation(0.2, seed=9, data_format="channels_first")(
        x.transpose(0, 3, 1, 2), training=True
    )
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), last, atol=1e-4)


def test_augmentation_inside_fit_and_config_round_trip():
    keras.utils.set_random_seed(0)
    aug = keras.Sequential(
        [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1)]
    )
    inp = keras.Input((7, 9, 3))
    x = aug(inp)
    x = layers.GlobalAveragePooling2D()(layers.Conv2D(4, 3)(x))
    model = keras.Model(inp, layers.Dense(2, activation="softmax")(x))
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(IMAGES / 255.0, np.array([0, 1]), epochs=2, verbose=0)
    for make in ALL:
        layer = make()
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_argument_errors():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(2.0)
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomZoom(0.1, fill_mode="mirror-ish")
    with pytest.raises(ValueError, match="rank 3 or 4"):
        layers.RandomFlip()(np.ones((2, 2)), training=True)
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.affine_transform(IMAGES, np.zeros(8), fill_mode="bad")


def test_auto_contrast_equals_keras():
    x = FIX["auto_contrast/input"]
    np.testing.assert_allclose(
        layers.AutoContrast()(x), FIX["auto_contrast/0_255"], rtol=1e-5, atol=1e-3
    )
    np.testing.assert_allclose(
        layers.AutoContrast(value_range=(0, 1))(x / 255.0),
        FIX["auto_contrast/0_1"],
        rtol=1e-5,
        atol=1e-5,
    )
    np.testing.assert_allclose(
        layers.AutoContrast()(x, training=False), FIX["auto_contrast/0_255"], rtol=1e-5, atol=1e-3
    )


def test_pipeline_applies_in_order_and_round_trips():
    pipe = layers.Pipeline([layers.RandomBrightness((0.1, 0.1)), layers.RandomCrop(3, 4, seed=0)])
    out = pipe(IMAGES, training=True)
    assert out.shape == (2, 3, 4, 3)
    assert np.all(out >= 25.5 - 1e-3)  # brightened by 25.5 then clipped, then cropped
    np.testing.assert_array_equal(pipe(IMAGES, training=False)[:, :, :, :].shape, (2, 3, 4, 3))
    clone = layers.Pipeline.from_config(pipe.get_config())
    assert [type(x).__name__ for x in clone.layers] == ["RandomBrightness", "RandomCrop"]
