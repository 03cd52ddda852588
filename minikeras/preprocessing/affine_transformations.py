"""Keras 2's image augmentation transforms on NumPy (no SciPy).

`apply_affine_transform` builds the same matrix as `tf_keras` and resamples each channel
like `scipy.ndimage.affine_transform` with spline order 0 or 1 and the modes
`"constant"`, `"nearest"`, `"reflect"` and `"wrap"`.
"""

from __future__ import annotations

import numpy as np

from minikeras.utils.image_utils import array_to_img, img_to_array, pil_image


def flip_axis(x, axis):
    """Reverses `x` along `axis`."""
    return np.flip(np.asarray(x), axis=axis)


def _map_coordinates(coords, n, mode):
    """Maps sample coordinates outside `[0, n - 1]` back inside, as SciPy's modes do.

    Returns the mapped coordinates and a mask of those that fall outside (`constant`).
    """
    if mode == "nearest":
        return np.clip(coords, 0, n - 1), None
    if mode == "reflect":  # half-sample symmetric: d c b a | a b c d | d c b a
        period = 2 * n
        c = np.mod(coords + 0.5, period) - 0.5
        c = np.where(c > n - 0.5, period - 1 - c, c)
        return np.clip(c, 0, n - 1), None
    if mode == "wrap":
        if n == 1:
            return np.zeros_like(coords), None
        period = n - 1  # SciPy's legacy "wrap": the edge samples coincide
        return np.mod(coords, period), None
    outside = (coords < -1e-9) | (coords > n - 1 + 1e-9)
    return np.clip(coords, 0, n - 1), outside


def _resample(channel, matrix, offset, order, mode, cval):
    h, w = channel.shape
    rows, cols = np.meshgrid(
        np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij"
    )
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    src_r, out_r = _map_coordinates(src_r, h, mode)
    src_c, out_c = _map_coordinates(src_c, w, mode)
    data = channel.astype(np.float64)
    if order == 0:
        out = data[np.rint(src_r).astype(int), np.rint(src_c).astype(int)]
    else:
        r0 = np.clip(np.floor(src_r).astype(int), 0, h - 1)
        c0 = np.clip(np.floor(src_c).astype(int), 0, w - 1)
        r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
        fr, fc = src_r - r0, src_c - c0
        top = data[r0, c0] * (1 - fc) + data[r0, c1] * fc
        bottom = data[r1, c0] * (1 - fc) + data[r1, c1] * fc
        out = top * (1 - fr) + bottom * fr
    if out_r is not None:
        out = np.where(out_r | out_c, cval, out)
    return out.astype(channel.dtype)


def transform_matrix_offset_center(matrix, x, y):
    """Moves the transform's origin to the image centre."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def apply_affine_transform(
    x,
    theta=0,
    tx=0,
    ty=0,
    shear=0,
    zx=1,
    zy=1,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    order=1,
):
    """Applies a rotation (degrees), shift, shear (degrees) and zoom to one image.

    `keras.preprocessing.image.apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0,
    zx=1, zy=1, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
    order=1)`

    Returns:
        The transformed image (same shape and dtype).
    """
    if len({row_axis, col_axis, channel_axis}) != 3 or {row_axis, col_axis, channel_axis} != {
        0,
        1,
        2,
    }:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct 0, 1, 2")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if fill_mode not in ("constant", "nearest", "reflect", "wrap"):
        raise ValueError(
            "`fill_mode` should be one of 'constant', 'nearest', 'reflect' or 'wrap'. "
            f"Received: fill_mode={fill_mode}"
        )
    if order not in (0, 1):
        raise NotImplementedError(f"interpolation_order={order} is not supported; use 0 or 1.")
    matrices = []
    if theta != 0:
        t = np.deg2rad(theta)
        matrices.append(
            np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
        )
    if tx != 0 or ty != 0:
        matrices.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        matrices.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        matrices.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not matrices:
        return x
    matrix = matrices[0]
    for m in matrices[1:]:
        matrix = matrix @ m
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    channels = np.moveaxis(x, channel_axis, 0)
    if col_axis > row_axis:
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    out = np.stack(
        [_resample(c, matrix[:2, :2], matrix[:2, 2], order, fill_mode, cval) for c in channels]
    )
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds `intensity` to every channel, clipped to the image's range."""
    x = np.moveaxis(x, channel_axis, 0)
    out = np.stack([np.clip(c + intensity, np.min(x), np.max(x)) for c in x])
    return np.moveaxis(out, 0, channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Scales brightness with PIL's `ImageEnhance.Brightness` (needs Pillow)."""
    pil_image()
    from PIL import ImageEnhance

    x_min, x_max = np.min(x), np.max(x)
    local_scale = x_min < 0 or x_max > 255
    img = ImageEnhance.Brightness(array_to_img(x, scale=local_scale or scale)).enhance(brightness)
    x = img_to_array(img)
    if not scale and local_scale:
        x = x / 255 * (x_max - x_min) + x_min
    return x
