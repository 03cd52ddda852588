"""`image_dataset_from_directory` / `text_dataset_from_directory` against Keras 3.15 on the
committed folder (`tests/fixtures/image_folder/`, recorded by its `make_image_folder.py`):
mixed sizes, RGB/grayscale/RGBA/palette PNGs, JPEG, BMP, GIF, nested class folders."""

from __future__ import annotations

import os

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import layers, models, utils
from minikeras.utils import image_dataset_utils

FOLDER = FIXTURES / "image_folder"
IMAGES = str(FOLDER / "images")
TEXTS = str(FOLDER / "texts")
KERAS3 = np.load(FOLDER / "keras3.npz")
CASES = {
    "rgb": dict(image_size=(12, 16), shuffle=False),
    "gray_categorical": dict(
        image_size=(9, 9),
        color_mode="grayscale",
        label_mode="categorical",
        class_names=["cats"],
        shuffle=False,
    ),
    "rgba_nearest": dict(
        image_size=(20, 11),
        color_mode="rgba",
        interpolation="nearest",
        class_names=["dogs"],
        shuffle=False,
    ),
    "crop": dict(image_size=(10, 14), crop_to_aspect_ratio=True, shuffle=False),
    "pad": dict(image_size=(10, 14), pad_to_aspect_ratio=True, shuffle=False),
    "binary_subset": dict(
        image_size=(8, 8), class_names=["fish", "cats"], label_mode="binary", shuffle=False
    ),
    "no_labels": dict(image_size=(8, 8), labels=None, shuffle=False),
    "split_validation": dict(
        image_size=(8, 8), shuffle=True, seed=7, validation_split=0.3, subset="validation"
    ),
}


# TensorFlow decodes JPEG with libjpeg's fast integer IDCT, Pillow with the accurate one:
# decoded pixels differ by up to a few levels. PNG, BMP and GIF agree to 1e-3.
JPEG_ATOL = 4.0


def _unbatch(ds):
    images, labels = [], []
    for batch in ds:
        if isinstance(batch, tuple):
            images.append(batch[0])
            labels.append(batch[1])
        else:
            images.append(batch)
    return np.concatenate(images), (np.concatenate(labels) if labels else np.zeros(0))


def _relative(paths):
    return [os.path.relpath(p, IMAGES) for p in paths]


@pytest.mark.parametrize("case", sorted(CASES))
def test_image_dataset_matches_keras(case):
    ds = utils.image_dataset_from_directory(IMAGES, batch_size=4, verbose=False, **CASES[case])
    assert _relative(ds.file_paths) == list(KERAS3[f"{case}__paths"])
    assert list(ds.class_names or []) == list(KERAS3[f"{case}__classes"])
    images, labels = _unbatch(ds)
    want_images, want_labels = KERAS3[f"{case}__images"], KERAS3[f"{case}__labels"]
    assert images.dtype == np.float32 and images.shape == want_images.shape
    if CASES[case].get("shuffle"):
        # Keras adds a tf.data shuffle buffer on top of the (equal) file order: match each
        # of its images to one of ours (a permutation) before comparing.
        distance = (
            np.abs(images[:, None] - want_images[None])
            .reshape(len(images), len(want_images), -1)
            .max(axis=-1)
        )
        order = distance.argmin(axis=0)
        assert sorted(order) == list(range(len(images)))
        images, labels = images[order], labels[order]
        tolerance = np.full(len(images), JPEG_ATOL)
    else:
        tolerance = np.array(
            [JPEG_ATOL if p.lower().endswith((".jpg", ".jpeg")) else 1e-3 for p in ds.file_paths]
        )
    for got, want, atol in zip(images, want_images, tolerance):
        np.testing.assert_allclose(got, want, rtol=0, atol=atol)
    np.testing.assert_array_equal(labels, want_labels)
    if labels.size:
        assert labels.dtype == want_labels.dtype


def test_subset_both_matches_keras():
    train, val = utils.image_dataset_from_directory(
        IMAGES,
        image_size=(8, 8),
        seed=3,
        validation_split=0.4,
        subset="both",
        batch_size=2,
        verbose=False,
    )
    assert _relative(train.file_paths) == list(KERAS3["both__train_paths"])
    assert _relative(val.file_paths) == list(KERAS3["both__val_paths"])
    images, labels = _unbatch(val)  # the validation part is not shuffled: same order
    for path, got, want in zip(val.file_paths, images, KERAS3["both__val_images"]):
        jpeg = path.lower().endswith((".jpg", ".jpeg"))
        np.testing.assert_allclose(got, want, atol=JPEG_ATOL if jpeg else 1e-3)
    np.testing.assert_array_equal(labels, KERAS3["both__val_labels"])


@pytest.mark.parametrize(
    "case, kwargs",
    [
        ("text_int", dict(shuffle=False)),
        (
            "text_split",
            dict(
                shuffle=True,
                seed=5,
                validation_split=0.4,
                subset="training",
                label_mode="categorical",
            ),
        ),
        ("text_no_labels", dict(labels=None, shuffle=False)),
    ],
)
def test_text_dataset_matches_keras(case, kwargs):
    ds = utils.text_dataset_from_directory(TEXTS, batch_size=2, verbose=False, **kwargs)
    texts, labels = [], []
    for batch in ds:
        if isinstance(batch, tuple):
            texts += list(batch[0])
            labels += list(batch[1])
        else:
            texts += list(batch)
    want_texts, want_labels = list(KERAS3[f"{case}__texts"]), list(KERAS3[f"{case}__labels"])
    pairs = list(zip(texts, [np.asarray(label).tolist() for label in labels] or [0] * len(texts)))
    want = list(
        zip(
            want_texts,
            [np.asarray(label).tolist() for label in want_labels] or [0] * len(want_texts),
        )
    )
    if kwargs.get("shuffle"):
        pairs, want = sorted(pairs), sorted(want)
    assert pairs == want
    assert list(ds.class_names or []) == list(KERAS3[f"{case}__classes"])


def test_decoding_is_lazy_batch_by_batch(monkeypatch):
    calls = []
    real = image_dataset_utils.load_image
    monkeypatch.setattr(
        image_dataset_utils, "load_image", lambda path, *a: calls.append(path) or real(path, *a)
    )
    ds = utils.image_dataset_from_directory(
        IMAGES, image_size=(4, 4), batch_size=3, shuffle=False, verbose=False
    )
    assert calls == []
    iterator = iter(ds)
    next(iterator)
    assert len(calls) == 3


def test_dataset_feeds_fit_and_argument_errors():
    ds = utils.image_dataset_from_directory(
        IMAGES, image_size=(8, 8), batch_size=4, label_mode="categorical", seed=1, verbose=False
    )
    model = models.Sequential(
        [
            layers.Input((8, 8, 3)),
            layers.Rescaling(1 / 255.0),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "categorical_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    with pytest.raises(ValueError, match="seed"):
        utils.image_dataset_from_directory(IMAGES, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        utils.image_dataset_from_directory(IMAGES, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="class_names"):
        utils.image_dataset_from_directory(IMAGES, class_names=["cows"], verbose=False)
    with pytest.raises(ValueError, match="pad_to_aspect_ratio"):
        utils.image_dataset_from_directory(
            IMAGES, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True
        )
    with pytest.raises(NotImplementedError, match="bicubic"):
        utils.image_dataset_from_directory(IMAGES, interpolation="bicubic")
    with pytest.raises(ValueError, match="Expected the lengths of `labels`"):
        utils.image_dataset_from_directory(IMAGES, labels=[0, 1], verbose=False)
