"""Keras 2's `ImageDataGenerator` against tf_keras 2 on the committed image folder
(`tests/fixtures/image_folder/tf_keras.npz`, recorded by `make_image_folder.py tf_keras`).

Deterministic pipelines (rescale, standardization, seeded shuffling, labels, subsets,
dataframes) must equal tf_keras bit for bit. Augmented batches draw the same random
parameters from NumPy's global generator and resample with NumPy instead of SciPy's
`ndimage.affine_transform`; they are compared at 1e-4."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import layers, models
from minikeras.preprocessing.image import ImageDataGenerator, apply_affine_transform

FOLDER = FIXTURES / "image_folder"
IMAGES = str(FOLDER / "images")
TFK = np.load(FOLDER / "tf_keras.npz")


def double(x):
    return x * 2.0 - 1.0


GENERATOR_CASES = [  # the same table as make_image_folder.py
    (
        "dir_plain",
        dict(rescale=1 / 255.0),
        dict(target_size=(10, 12), batch_size=5, shuffle=False),
        4,
    ),
    (
        "dir_gray_sparse_train",
        dict(validation_split=0.3, preprocessing_function=double),
        dict(
            target_size=(8, 8),
            color_mode="grayscale",
            class_mode="sparse",
            interpolation="bilinear",
            keep_aspect_ratio=True,
            subset="training",
            batch_size=4,
            shuffle=False,
        ),
        3,
    ),
    (
        "dir_rgba_val",
        dict(validation_split=0.3, samplewise_center=True, samplewise_std_normalization=True),
        dict(
            target_size=(9, 7),
            color_mode="rgba",
            class_mode="input",
            subset="validation",
            batch_size=3,
            shuffle=False,
        ),
        2,
    ),
    (
        "dir_shuffled_binary",
        dict(rescale=0.5),
        dict(
            target_size=(6, 6),
            classes=["cats", "fish"],
            class_mode="binary",
            shuffle=True,
            seed=3,
            batch_size=4,
        ),
        6,
    ),
]
AUGMENTED = [
    (
        "dir_augmented",
        dict(
            rotation_range=30,
            width_shift_range=0.2,
            height_shift_range=[-2, 1],
            shear_range=10,
            zoom_range=0.3,
            horizontal_flip=True,
            vertical_flip=True,
            fill_mode="reflect",
            channel_shift_range=20.0,
        ),
        dict(target_size=(12, 12), shuffle=True, seed=11, batch_size=6),
        3,
    ),
    (
        "dir_augmented_constant",
        dict(
            rotation_range=45,
            zoom_range=[0.7, 1.2],
            fill_mode="constant",
            cval=7.0,
            brightness_range=(0.6, 1.4),
        ),
        dict(target_size=(10, 10), shuffle=False, seed=5, batch_size=6, class_mode=None),
        2,
    ),
]


@pytest.mark.parametrize("case, gen_kwargs, flow_kwargs, batches", GENERATOR_CASES)
def test_flow_from_directory_equals_tf_keras_bitwise(case, gen_kwargs, flow_kwargs, batches):
    it = ImageDataGenerator(**gen_kwargs).flow_from_directory(IMAGES, **flow_kwargs)
    assert it.filenames == list(TFK[f"{case}__filenames"])
    np.testing.assert_array_equal(it.classes, TFK[f"{case}__classes"])
    assert [it.samples, it.n, it.batch_size, len(it)] == list(TFK[f"{case}__meta"])
    for b in range(batches):
        batch = next(it)
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        np.testing.assert_array_equal(x, TFK[f"{case}__x{b}"])
        assert x.dtype == TFK[f"{case}__x{b}"].dtype
        if y is not None:
            np.testing.assert_array_equal(y, TFK[f"{case}__y{b}"])


@pytest.mark.parametrize("case, gen_kwargs, flow_kwargs, batches", AUGMENTED)
def test_augmented_batches_close_to_tf_keras(case, gen_kwargs, flow_kwargs, batches):
    it = ImageDataGenerator(**gen_kwargs).flow_from_directory(IMAGES, **flow_kwargs)
    for b in range(batches):
        batch = next(it)
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        want = TFK[f"{case}__x{b}"]
        assert x.shape == want.shape
        if y is not None:  # labels follow the same seeded shuffle: exact
            np.testing.assert_array_equal(y, TFK[f"{case}__y{b}"])
        np.testing.assert_allclose(x, want, rtol=0, atol=1e-4)


def test_flow_featurewise_fit_subset_and_sample_weight_bitwise():
    x, y = TFK["flow_x"], TFK["flow_y"]
    gen = ImageDataGenerator(
        featurewise_center=True,
        featurewise_std_normalization=True,
        validation_split=0.4,
        rescale=1 / 255.0,
    )
    gen.fit(x)
    np.testing.assert_array_equal(gen.mean, TFK["flow_mean"])
    np.testing.assert_array_equal(gen.std, TFK["flow_std"])
    weights = np.linspace(0.1, 1, 10)
    it = gen.flow(
        x, y, batch_size=3, shuffle=True, seed=9, subset="training", sample_weight=weights
    )
    for b in range(3):
        bx, by, bw = next(it)
        np.testing.assert_array_equal(bx, TFK[f"flow__x{b}"])
        np.testing.assert_array_equal(by, TFK[f"flow__y{b}"])
        # tf_keras does not cut `sample_weight` to the subset: its weights are those of
        # rows 0..5 while the images are rows 4..9. minikeras keeps each weight with its
        # image: 4 rows further along the 0.1-step ramp.
        np.testing.assert_allclose(bw, TFK[f"flow__w{b}"] + 0.4)


def test_flow_from_dataframe_bitwise():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "filename": ["cats/c0.png", "fish/f2.png", "dogs/d0.png", "missing.png", "dogs/d5.png"],
            "class": ["cat", "fish", "dog", "dog", "dog"],
            "score": [0.5, 1.5, 2.5, 3.5, 4.5],
        }
    )
    _check_dataframe(frame)


def test_flow_from_dataframe_without_pandas():
    frame = {
        "filename": ["cats/c0.png", "fish/f2.png", "dogs/d0.png", "missing.png", "dogs/d5.png"],
        "class": ["cat", "fish", "dog", "dog", "dog"],
        "score": [0.5, 1.5, 2.5, 3.5, 4.5],
    }
    _check_dataframe(frame)


def _check_dataframe(frame):
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        it = ImageDataGenerator().flow_from_dataframe(
            frame, IMAGES, target_size=(5, 5), batch_size=2, shuffle=False
        )
    assert it.filenames == list(TFK["frame__filenames"])
    x, y = next(it)
    np.testing.assert_array_equal(x, TFK["frame__x0"])
    np.testing.assert_array_equal(y, TFK["frame__y0"])
    with pytest.warns(UserWarning, match="invalid image filename"):
        it = ImageDataGenerator().flow_from_dataframe(
            frame,
            IMAGES,
            y_col="score",
            class_mode="raw",
            target_size=(5, 5),
            batch_size=4,
            shuffle=False,
        )
    x, y = next(it)
    np.testing.assert_array_equal(x, TFK["frame_raw__x0"])
    np.testing.assert_array_equal(y, TFK["frame_raw__y0"])


def test_iterator_feeds_fit_and_fit_generator():
    gen = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True, validation_split=0.25)
    train = gen.flow_from_directory(
        IMAGES,
        target_size=(8, 8),
        batch_size=4,
        subset="training",
        seed=1,
        classes=["cats", "dogs", "fish"],
    )
    val = gen.flow_from_directory(
        IMAGES,
        target_size=(8, 8),
        batch_size=4,
        subset="validation",
        seed=1,
        classes=["cats", "dogs", "fish"],
    )
    model = models.Sequential(
        [layers.Input((8, 8, 3)), layers.Flatten(), layers.Dense(3, activation="softmax")]
    )
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    with pytest.warns(DeprecationWarning):
        model.fit_generator(train, steps_per_epoch=len(train), epochs=1, verbose=0)
    assert train.class_indices == {"cats": 0, "dogs": 1, "fish": 2}


def test_affine_transform_identity_and_quarter_turn():
    x = np.arange(12, dtype="float32").reshape(3, 4, 1)
    np.testing.assert_array_equal(
        apply_affine_transform(x, row_axis=0, col_axis=1, channel_axis=2), x
    )
    square = np.arange(9, dtype="float32").reshape(3, 3, 1)
    turned = apply_affine_transform(square, theta=90, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(turned[..., 0], np.rot90(square[..., 0], k=1), atol=1e-5)
    with pytest.raises(ValueError, match="fill_mode"):
        apply_affine_transform(
            x, theta=3, row_axis=0, col_axis=1, channel_axis=2, fill_mode="mirror"
        )


def test_bad_arguments():
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="class_mode"):
        ImageDataGenerator().flow_from_directory(IMAGES, class_mode="multi")
    with pytest.warns(UserWarning, match="hasn't been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(np.ones((2, 2, 3)))
