"""`ops.image.elastic_transform`: a random smooth displacement field applied to images."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import unwrap


def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Deforms each image by a random, Gaussian-smoothed displacement field.

    Per image, the row and column displacements are independent normal noise times
    `sigma`, blurred with a Gaussian of standard deviation `sigma` (kernel
    `int(6 * sigma) | 1`) and scaled by `alpha`; output pixel `(i, j)` reads the input
    at `(i + alpha * dy, j + alpha * dx)` (`ops.image.affine_transform`'s sampling).

    Args:
        images: `(H, W, C)` or `(N, H, W, C)` images (channels first: `C` first).
        alpha: Displacement scale, in pixels.
        sigma: Smoothness of the field, in pixels.
        interpolation: `"bilinear"` or `"nearest"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"` or `"reflect"`.
        fill_value: Value read outside the image in `"constant"` mode.
        seed: An int, a `SeedGenerator` or None.
        data_format: `"channels_last"` or `"channels_first"`; the global setting if None.

    Returns:
        The deformed images, same shape; differentiable in `images`.
    """
    from minikeras.ops.image_affine import sample_images
    from minikeras.ops.image_filter import gaussian_blur
    from minikeras.random import normal

    data_format = config.standardize_data_format(data_format)
    shape = np.shape(unwrap(images)[0])
    if len(shape) not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received input with shape: images.shape={tuple(shape)}"
        )
    n = 1 if len(shape) == 3 else shape[0]
    h, w = shape[-2:] if data_format == "channels_first" else shape[-3:-1]
    sigma = float(sigma)
    size = int(6 * sigma) | 1
    noise = normal((2 * n, h, w, 1), dtype="float32", seed=seed) * np.float32(sigma)
    if sigma > 0:
        noise = gaussian_blur(noise, (size, size), (sigma, sigma), "channels_last")
    noise = np.asarray(noise)[..., 0] * np.float32(alpha)
    dx, dy = noise[:n], noise[n:]
    rows, cols = np.meshgrid(
        np.arange(h, dtype="float32"), np.arange(w, dtype="float32"), indexing="ij"
    )
    return sample_images(
        images, rows + dy, cols + dx, interpolation, fill_mode, fill_value, data_format
    )
