"""Image resizing as a product with interpolation matrices (so it is differentiable).

Sampling follows TF/JAX `resize` with half-pixel centres and no antialiasing:
output pixel `i` reads input position `(i + 0.5) * in / out - 0.5`.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import unwrap
from minikeras.ops import conv_utils as cu

_METHODS = ("nearest", "bilinear")


def interpolation_matrix(in_size: int, out_size: int, method: str, dtype="float32"):
    """`(out_size, in_size)` matrix mapping an axis of length `in_size` to `out_size`."""
    scale = in_size / out_size
    rows = np.arange(out_size)
    m = np.zeros((out_size, in_size), dtype=np.float64)
    if method == "nearest":
        src = np.minimum(np.floor((rows + 0.5) * scale).astype(int), in_size - 1)
        m[rows, src] = 1.0
    elif method == "bilinear":
        pos = (rows + 0.5) * scale - 0.5
        lo = np.floor(pos).astype(int)
        frac = pos - lo
        np.add.at(m, (rows, np.clip(lo, 0, in_size - 1)), 1.0 - frac)
        np.add.at(m, (rows, np.clip(lo + 1, 0, in_size - 1)), frac)
    else:
        raise ValueError(
            f"Invalid value for argument `interpolation`: expected one of {_METHODS}. "
            f"Received: interpolation={method}"
        )
    return m.astype(dtype)


def resize_axes(x, sizes, axes, interpolation="bilinear"):
    """Resizes `x` along `axes` to `sizes` (one interpolation matrix per axis)."""
    from minikeras.ops.numpy import tensordot, transpose

    xv = np.asarray(unwrap(x)[0])
    dtype = xv.dtype if xv.dtype.kind == "f" else np.dtype("float32")
    out = x
    for size, axis in zip(sizes, axes):
        n = xv.shape[axis]
        if n == size:
            continue
        m = interpolation_matrix(n, size, interpolation, dtype)
        # tensordot puts the new axis first; move it back to `axis`.
        perm = list(range(1, xv.ndim))
        perm.insert(axis, 0)
        out = transpose(tensordot(m, out, axes=([1], [axis])), perm)
    return out


def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    """Resizes a batch `(N, H, W, C)` (or one `(H, W, C)` image) to `size = (h, w)`.

    Args:
        images: Rank 3 or 4 tensor.
        size: `(height, width)`.
        interpolation: `"bilinear"` or `"nearest"`.
        antialias: Only False is supported.
        data_format: `"channels_last"` or `"channels_first"`.
    """
    if antialias:
        raise NotImplementedError("resize(antialias=True) is not supported by minikeras.")
    data_format = cu.standardize_format(data_format)
    ndim = np.ndim(unwrap(images)[0])
    if ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: {np.shape(unwrap(images)[0])}"
        )
    axes = (ndim - 2, ndim - 1) if data_format == "channels_first" else (ndim - 3, ndim - 2)
    return resize_axes(images, tuple(size), axes, interpolation)


from minikeras.ops.image_affine import affine_transform  # noqa: E402, F401 - keras.ops.image
from minikeras.ops.image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv  # noqa: E402, F401 - keras.ops.image
from minikeras.ops.image_elastic import elastic_transform  # noqa: E402, F401 - keras.ops.image
from minikeras.ops.image_filter import gaussian_blur  # noqa: E402, F401 - keras.ops.image
