"""`ops.image.rgb_to_hsv` / `hsv_to_rgb`: colour-space conversions of float images.

Both are compositions of `ops.numpy` primitives, so they carry gradients. Hue,
saturation and value lie in `[0, 1]` for RGB input in `[0, 1]` (hue as a fraction of
a full turn), with Keras 3's conventions: grey pixels get hue 0 and saturation 0.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import unwrap


def _planes(images, data_format, name):
    from minikeras import ops as knp

    data_format = config.standardize_data_format(data_format)
    array = np.asarray(unwrap(images)[0]) if not hasattr(images, "shape") else images
    if len(array.shape) not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received input with shape: images.shape={tuple(array.shape)}"
        )
    dtype = np.dtype(str(getattr(array, "dtype", "float32")))
    if dtype.kind != "f":
        raise ValueError(
            f"Invalid images dtype for `{name}`: expected a float dtype. "
            f"Received: images.dtype={dtype}"
        )
    axis = -1 if data_format == "channels_last" else -3
    return [knp.squeeze(p, axis) for p in knp.split(images, 3, axis=axis)], axis, dtype


def rgb_to_hsv(images, data_format=None):
    """Converts RGB images (values in `[0, 1]`) to HSV.

    Args:
        images: `(H, W, 3)` or `(N, H, W, 3)` float images (channels first: `3` first).
        data_format: `"channels_last"` or `"channels_first"`; the global setting if None.

    Returns:
        The HSV images, same shape and dtype.
    """
    from minikeras import ops as knp

    (r, g, b), axis, dtype = _planes(images, data_format, "rgb_to_hsv")
    eps = float(np.finfo(dtype).eps)
    r, g, b = (knp.where(knp.less(knp.abs(p), eps), 0.0, p) for p in (r, g, b))
    value = knp.maximum(knp.maximum(r, g), b)
    spread = value - knp.minimum(knp.minimum(r, g), b)
    safe_value = knp.where(knp.greater(value, 0.0), value, 1.0)
    safe_spread = knp.where(knp.greater(spread, 0.0), spread, 1.0)
    saturation = knp.where(knp.greater(value, 0.0), spread / safe_value, 0.0)
    norm = 1.0 / (6.0 * safe_spread)
    hue = knp.where(knp.equal(value, g), norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = knp.where(knp.equal(value, r), norm * (g - b), hue)
    hue = knp.where(knp.greater(spread, 0.0), hue, 0.0) + knp.cast(knp.less(hue, 0.0), dtype)
    return knp.cast(knp.stack([hue, saturation, value], axis=axis), dtype)


def hsv_to_rgb(images, data_format=None):
    """Converts HSV images (hue as a fraction of a turn) back to RGB.

    Args:
        images: `(H, W, 3)` or `(N, H, W, 3)` float images (channels first: `3` first).
        data_format: `"channels_last"` or `"channels_first"`; the global setting if None.

    Returns:
        The RGB images, same shape and dtype.
    """
    from minikeras import ops as knp

    (hue, saturation, value), axis, dtype = _planes(images, data_format, "hsv_to_rgb")
    dh = knp.mod(hue, 1.0) * 6.0
    dr = knp.clip(knp.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = knp.clip(2.0 - knp.abs(dh - 2.0), 0.0, 1.0)
    db = knp.clip(2.0 - knp.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - saturation
    planes = [value * (one_minus_s + saturation * d) for d in (dr, dg, db)]
    return knp.cast(knp.stack(planes, axis=axis), dtype)


def rgb_to_grayscale(images, data_format=None):
    """Converts RGB images to one-channel grayscale (ITU-R 601 luma weights).

    Args:
        images: `(H, W, 3)` or `(N, H, W, 3)` images (channels first: `3` first).
        data_format: `"channels_last"` or `"channels_first"`; the global setting if None.

    Returns:
        The images with one channel, in the input's dtype.
    """
    from minikeras import ops as knp

    data_format = config.standardize_data_format(data_format)
    ndim = len(images.shape)
    if ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received input with shape: images.shape={tuple(images.shape)}"
        )
    axis = ndim - 1 if data_format == "channels_last" else ndim - 3
    original = np.dtype(str(images.dtype))
    dtype = original if original.kind == "f" else np.dtype("float32")
    weights = np.array([0.2989, 0.5870, 0.1140], dtype)
    gray = knp.tensordot(knp.cast(images, dtype), weights, axes=([axis], [0]))
    return knp.cast(knp.expand_dims(gray, axis), original)
