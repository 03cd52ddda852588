"""`load_img`, `img_to_array`, `array_to_img`, `save_img`, `smart_resize` (Pillow extra).

Expected arrays for `load_img` come from Keras 3.15 (`tests/fixtures/image_folder/
make_image_folder.py keras`) on the committed image folder."""

from __future__ import annotations

import builtins

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import utils
from minikeras.preprocessing import image as k2_image
from minikeras.utils import image_utils

FOLDER = FIXTURES / "image_folder"
KERAS3 = np.load(FOLDER / "keras3.npz")
FILES = list(KERAS3["load_img_files"])


@pytest.mark.parametrize("index", range(len(FILES)))
def test_load_img_matches_keras(index):
    path = FOLDER / "images" / FILES[index]
    got = utils.img_to_array(utils.load_img(str(path)))
    np.testing.assert_array_equal(got, KERAS3[f"load_img__{index}__rgb"])
    got = utils.img_to_array(
        utils.load_img(path, color_mode="grayscale", target_size=(7, 9), interpolation="bilinear")
    )
    np.testing.assert_array_equal(got, KERAS3[f"load_img__{index}__gray_bilinear"])
    got = utils.img_to_array(
        utils.load_img(
            path,
            color_mode="rgba",
            target_size=(6, 10),
            keep_aspect_ratio=True,
            interpolation="bicubic",
        )
    )
    np.testing.assert_array_equal(got, KERAS3[f"load_img__{index}__rgba_aspect"])


def test_load_img_keras2_grayscale_argument_and_bad_values(tmp_path):
    path = FOLDER / "images" / FILES[0]
    with pytest.warns(DeprecationWarning, match="color_mode"):
        img = k2_image.load_img(str(path), grayscale=True)
    assert img.mode == "L"
    with pytest.raises(ValueError, match="color_mode"):
        utils.load_img(str(path), color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid interpolation method"):
        utils.load_img(str(path), target_size=(3, 3), interpolation="fancy")
    with pytest.raises(TypeError, match="path-like"):
        utils.load_img(42)


def test_array_to_img_and_back():
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    img = utils.array_to_img(x)  # scaled to [0, 255]
    assert img.mode == "RGB" and img.size == (4, 2)
    back = utils.img_to_array(img)
    np.testing.assert_array_equal(back, (x / 23 * 255).astype("uint8").astype("float32"))
    assert utils.array_to_img(np.full((2, 2, 1), 1000.0), scale=False).mode == "I"
    assert utils.array_to_img(np.ones((2, 2, 4)), scale=False).mode == "RGBA"
    first = utils.img_to_array(utils.array_to_img(x), data_format="channels_first")
    assert first.shape == (3, 2, 4)
    with pytest.raises(ValueError, match="rank 3"):
        utils.array_to_img(np.ones((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number"):
        utils.array_to_img(np.ones((2, 2, 2)))


def test_save_img_round_trip_and_jpeg_rgba(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (5, 6, 3)).astype("float32")
    utils.save_img(str(tmp_path / "a.png"), x, scale=False)
    np.testing.assert_array_equal(utils.img_to_array(utils.load_img(tmp_path / "a.png")), x)
    rgba = np.concatenate([x, np.full((5, 6, 1), 255.0)], axis=-1)
    with pytest.warns(UserWarning, match="RGBA"):
        utils.save_img(tmp_path / "b.jpg", rgba, scale=False)
    assert utils.load_img(tmp_path / "b.jpg").size == (6, 5)


def test_smart_resize_crops_centre_then_resizes():
    x = np.arange(4 * 8, dtype="float32").reshape(4, 8, 1)
    out = k2_image.smart_resize(x, (2, 2))
    # centre crop of the 2:2 ratio is columns 2..5 of the 4 rows, then a 2x downsample
    crop = x[:, 2:6, 0]
    want = crop.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(out[..., 0], want)


def test_missing_pillow_gives_install_hint(monkeypatch):
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    for call in (
        lambda: utils.load_img("x.png"),
        lambda: utils.array_to_img(np.ones((2, 2, 3))),
        lambda: (
            utils.image_dataset_from_directory(str(FOLDER / "images"), shuffle=False).element_spec
        ),
    ):
        with pytest.raises(ImportError, match=r'pip install "minikeras\[image\]"'):
            call()
    # Arrays alone need no Pillow.
    assert image_utils.img_to_array(np.ones((2, 2))).shape == (2, 2, 1)
