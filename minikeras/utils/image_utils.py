"""Image files <-> arrays: `load_img`, `img_to_array`, `array_to_img`, `save_img`, `smart_resize`.

Mirrors `keras/src/utils/image_utils.py`. Pillow is an optional extra
(`pip install "minikeras[image]"`); only the functions that decode or encode files need it.
"""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

from minikeras.backend import config

PIL_INTERPOLATION_NAMES = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pil_image():
    """The `PIL.Image` module, or an ImportError saying how to install the extra."""
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError(
            "Reading and writing image files needs Pillow, an optional extra of minikeras. "
            'Install it with `pip install "minikeras[image]"` (or `pip install pillow`).'
        ) from exc
    return Image


def _resample(interpolation: str):
    image = pil_image()
    methods = getattr(image, "Resampling", image)
    if interpolation not in PIL_INTERPOLATION_NAMES:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            f"{', '.join(PIL_INTERPOLATION_NAMES)}"
        )
    return getattr(methods, interpolation.upper())


def load_img(
    path,
    grayscale=False,
    color_mode="rgb",
    target_size=None,
    interpolation="nearest",
    keep_aspect_ratio=False,
):
    """Loads an image into a PIL image.

    `keras.utils.load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
    keep_aspect_ratio=False)`

    Args:
        path: Path (str, bytes, `pathlib.Path`) or an `io.BytesIO`.
        grayscale: Keras 2 spelling of `color_mode="grayscale"` (deprecated).
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
        target_size: `None` or `(height, width)`.
        interpolation: PIL resampling used when resizing: `"nearest"`, `"bilinear"`,
            `"bicubic"`, `"hamming"`, `"box"` or `"lanczos"`.
        keep_aspect_ratio: Resize a centred crop of the target aspect ratio.

    Returns:
        A PIL Image.

    Raises:
        ImportError: If Pillow is not installed.

    Example:
        >>> img = load_img("cat.png", target_size=(96, 96))
        >>> x = img_to_array(img)
    """
    image = pil_image()
    if grayscale:
        warnings.warn(
            "grayscale is deprecated. Please use color_mode = 'grayscale'",
            DeprecationWarning,
            stacklevel=2,
        )
        color_mode = "grayscale"
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode in ("rgb", "rgba"):
        if img.mode != color_mode.upper():
            img = img.convert(color_mode.upper())
    else:
        raise ValueError(
            f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode}'
        )
    if target_size is None:
        return img
    size = (target_size[1], target_size[0])
    if img.size == size:
        return img
    resample = _resample(interpolation)
    if not keep_aspect_ratio:
        return img.resize(size, resample)
    width, height = img.size
    crop_height = min(height, width * size[1] // size[0])
    crop_width = min(width, height * size[0] // size[1])
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    return img.resize(size, resample, box=[left, top, left + crop_width, top + crop_height])


def img_to_array(img, data_format=None, dtype=None) -> np.ndarray:
    """Converts a PIL image (or array-like) to a `(height, width, channels)` array.

    `keras.utils.img_to_array(img, data_format=None, dtype=None)`

    Args:
        img: PIL image or array-like of rank 2 or 3.
        data_format: `"channels_last"` or `"channels_first"`.
        dtype: Output dtype (default `floatx()`).

    Returns:
        A rank-3 NumPy array.
    """
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[..., None]
    if x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a rank-3 array to a PIL image.

    `keras.utils.array_to_img(x, data_format=None, scale=True, dtype=None)`

    Args:
        x: Array of shape `(height, width, channels)` with 1, 3 or 4 channels.
        data_format: `"channels_last"` or `"channels_first"`.
        scale: Whether to rescale the values to `[0, 255]` (min-max).
        dtype: Working dtype (default `floatx()`).

    Returns:
        A PIL Image (mode `L`, `I`, `RGB` or `RGBA`).
    """
    data_format = config.standardize_data_format(data_format)
    image = pil_image()
    x = np.array(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs) -> None:
    """Saves an image array to a file (format from `file_format` or the extension).

    `keras.utils.save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs)`

    Args:
        path: Path or file object.
        x: Rank-3 image array.
        data_format: `"channels_last"` or `"channels_first"`.
        file_format: Optional PIL format name (`"png"`, `"jpeg"`, ...).
        scale: Whether to rescale the values to `[0, 255]`.
        **kwargs: Passed to `PIL.Image.save`.
    """
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def crop_box(height: int, width: int, size) -> tuple:
    """`(top, left, crop_height, crop_width)`: the largest centred crop of `size`'s ratio."""
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return (
        int(float(height - crop_height) / 2),
        int(float(width - crop_width) / 2),
        crop_height,
        crop_width,
    )


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resizes images to `size` without distorting them: centre-crop to the ratio, resize.

    `keras.preprocessing.image.smart_resize(x, size, interpolation="bilinear",
    data_format="channels_last")`

    Args:
        x: Array `(height, width, channels)` or `(batch, height, width, channels)`.
        size: `(height, width)`.
        interpolation: `"bilinear"` or `"nearest"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The resized float array.
    """
    from minikeras.ops.image import resize

    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, of "
            f"shape {x.shape}."
        )
    channels_last = data_format == "channels_last"
    height, width = x.shape[-3:-1] if channels_last else x.shape[-2:]
    top, left, ch, cw = crop_box(height, width, size)
    if channels_last:
        x = x[..., top : top + ch, left : left + cw, :]
    else:
        x = x[..., top : top + ch, left : left + cw]
    return np.asarray(
        resize(
            x.astype(config.floatx()), size, interpolation=interpolation, data_format=data_format
        )
    )
