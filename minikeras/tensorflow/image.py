"""`tf.image`: resizing, flips, grayscale and dtype conversion on NHWC / HWC images."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, unwrap
from minikeras.tensorflow._convert import inp, missing, np_dtype, out, shape_arg, val

_METHODS = {
    "bilinear": "bilinear",
    "nearest": "nearest",
    "bicubic": "bicubic",
    "area": "area",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


def resize(
    images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False, name=None
):
    """`tf.image.resize` of `[h, w, c]` or `[n, h, w, c]` images to `size`; float32 out.

    Raises:
        ValueError: for an unknown `method`.
    """
    method = getattr(method, "value", method)
    if method not in _METHODS:
        raise ValueError(f"Unknown `method` {method!r}. Expected one of {sorted(_METHODS)}.")
    x = inp(images)
    a = val(x)
    single = a.ndim == 3
    h, w = shape_arg(size)
    if preserve_aspect_ratio:
        scale = min(h / a.shape[-3], w / a.shape[-2])
        h, w = int(round(a.shape[-3] * scale)), int(round(a.shape[-2] * scale))
    if a.dtype != np.float32 and a.dtype != np.float64:
        x = a.astype(np.float32)
    if single:
        x = ops.expand_dims(x, 0)
    res = ops.image.resize(
        x, (h, w), interpolation=_METHODS[method], antialias=antialias, data_format="channels_last"
    )
    return out(ops.squeeze(res, 0) if single else res)


def flip_left_right(image):
    """`tf.image.flip_left_right`: reverses the width axis."""
    return out(ops.flip(inp(image), -2))


def flip_up_down(image):
    """`tf.image.flip_up_down`: reverses the height axis."""
    return out(ops.flip(inp(image), -3))


def _random_flip(image, axis, seed):
    a = val(image)
    rng = np.random.default_rng(seed) if seed is not None else config.rng()
    if a.ndim == 3:
        return out(np.flip(a, axis) if rng.random() < 0.5 else a)
    flips = rng.random(a.shape[0]) < 0.5
    return out(np.where(flips[:, None, None, None], np.flip(a, axis), a))


def random_flip_left_right(image, seed=None):
    """`tf.image.random_flip_left_right`: each image flipped with probability 1/2."""
    return _random_flip(image, -2, seed)


def random_flip_up_down(image, seed=None):
    """`tf.image.random_flip_up_down`: each image flipped with probability 1/2."""
    return _random_flip(image, -3, seed)


def rgb_to_grayscale(images, name=None):
    """`tf.image.rgb_to_grayscale`: ITU-R 601 luma, keeping a channel axis of 1."""
    a = val(images)
    weights = np.array([0.2989, 0.587, 0.114], dtype=np.float32)
    if a.dtype.kind == "f":
        return out(ops.matmul(inp(images), weights.astype(a.dtype)[:, None]))
    gray = np.round(a.astype(np.float32) @ weights[:, None])
    return out(gray.astype(a.dtype))


def grayscale_to_rgb(images, name=None):
    """`tf.image.grayscale_to_rgb`: repeats the single channel three times."""
    return out(ops.concatenate([inp(images)] * 3, axis=-1))


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """`tf.image.convert_image_dtype`: integers map to [0, 1] floats by their range.

    Float to integer scales by the integer's maximum (rounding); float to float casts.
    """
    a = val(image)
    dt = np_dtype(dtype)
    if a.dtype == dt:
        return out(a)
    if a.dtype.kind in "iu" and dt.kind == "f":
        return out((a.astype(np.float64) / np.iinfo(a.dtype).max).astype(dt))
    if a.dtype.kind == "f" and dt.kind in "iu":
        scaled = a.astype(np.float64) * (np.iinfo(dt).max + 0.5)
        if saturate:
            scaled = np.clip(scaled, np.iinfo(dt).min, np.iinfo(dt).max)
        return out(scaled.astype(dt))
    if a.dtype.kind in "iu" and dt.kind in "iu":
        scale = (np.iinfo(dt).max + 1) / (np.iinfo(a.dtype).max + 1)
        return out((a.astype(np.float64) * scale).astype(dt))
    return out(a.astype(dt))


def adjust_brightness(image, delta):
    """`tf.image.adjust_brightness`: adds `delta` (in [0, 1] image units)."""
    return out(ops.add(inp(image), val(delta)))


def _no_gradient(op_name: str):
    def vjp(g):
        raise LookupError(f"gradient registry has no entry for: {op_name}")

    return vjp


def adjust_contrast(images, contrast_factor):
    """`tf.image.adjust_contrast`: `(x - mean) * contrast_factor + mean`, per image and channel.

    The mean is over height and width. As in TensorFlow the op has no gradient:
    differentiating through it raises `LookupError`.
    """
    a = val(images)
    dtype = a.dtype
    x = a.astype(np.float32)
    mean = x.mean(axis=(-3, -2), keepdims=True)
    result = ((x - mean) * np.float32(val(contrast_factor)) + mean).astype(dtype)
    parents = tuple(n for n in (unwrap(images)[1], unwrap(contrast_factor)[1]) if n is not None)
    if not parents:
        return out(result)
    return Tensor(result, parents, tuple(_no_gradient("AdjustContrastv2") for _ in parents))


def central_crop(image, central_fraction):
    """`tf.image.central_crop`: keeps the central `central_fraction` of height and width."""
    a = val(image)
    h, w = a.shape[-3], a.shape[-2]
    top = int((h - h * central_fraction) / 2)
    left = int((w - w * central_fraction) / 2)
    return out(a[..., top : h - top, left : w - left, :])


def per_image_standardization(image):
    """`tf.image.per_image_standardization`: zero mean, unit variance per image."""
    a = val(image).astype(np.float32)
    axes = tuple(range(a.ndim - 3, a.ndim))
    mean = a.mean(axis=axes, keepdims=True)
    std = np.maximum(
        a.std(axis=axes, keepdims=True), 1.0 / np.sqrt(np.prod([a.shape[i] for i in axes]))
    )
    return out((a - mean) / std)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    hint = (
        "Decode image files with `keras.utils.load_img` (Pillow). "
        if name.startswith("decode")
        else ""
    )
    raise missing("tf.image", name, hint)
