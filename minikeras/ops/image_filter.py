"""`ops.image.gaussian_blur`: a separable Gaussian filter as one depthwise convolution."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config


def gaussian_kernel(kernel_size, sigma, dtype="float32") -> np.ndarray:
    """The normalized `(kernel_size[1], kernel_size[0])` Gaussian (x size first, as Keras)."""

    def one_dim(size, s):
        x = np.arange(size, dtype=dtype) - (size - 1) / 2
        k = np.exp(-0.5 * (x / np.asarray(s, dtype)) ** 2)
        return k / np.sum(k)

    return np.outer(one_dim(kernel_size[1], sigma[1]), one_dim(kernel_size[0], sigma[0]))


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs each channel with a Gaussian kernel, zero padding at the borders.

    Args:
        images: `(H, W, C)` or `(N, H, W, C)` images (channels first: `C` first).
        kernel_size: `(width, height)` of the kernel, both odd.
        sigma: `(sigma_x, sigma_y)`.
        data_format: `"channels_last"` or `"channels_first"`; the global setting if None.

    Returns:
        The blurred images, same shape; float32 for integer input.
    """
    from minikeras import ops

    data_format = config.standardize_data_format(data_format)
    ndim = len(images.shape)
    if ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received input with shape: images.shape={tuple(images.shape)}"
        )
    kernel_size = tuple(int(k) for k in kernel_size)
    if any(k % 2 == 0 or k < 1 for k in kernel_size):
        raise ValueError(f"`kernel_size` must be odd and positive. Received: {kernel_size}")
    dtype = np.dtype(str(images.dtype))
    dtype = dtype if dtype.kind == "f" else np.dtype("float32")
    x = ops.cast(images, dtype)
    if ndim == 3:
        x = ops.expand_dims(x, 0)
    channels = x.shape[1 if data_format == "channels_first" else -1]
    kernel = gaussian_kernel(kernel_size, np.asarray(sigma, dtype), dtype)
    kernel = np.tile(kernel[:, :, None, None], (1, 1, channels, 1))
    out = ops.depthwise_conv(x, kernel, strides=1, padding="same", data_format=data_format)
    return out[0] if ndim == 3 else out
