"""`affine_transform`: projective image warps as TensorFlow's `ImageProjectiveTransformV3`.

Output pixel `(x, y)` (integer column and row) reads the input at
`((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`, for
`transform = [a0, a1, a2, b0, b1, b2, c0, c1]`. Coordinates outside the
image are folded back by `fill_mode` (`reflect`: d c b a | a b c d | d c b a,
`wrap`, `nearest`) or read as `fill_value` (`constant`). The VJP scatters the
output gradient back onto the pixels each output read.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap
from minikeras.ops import conv_utils as cu

FILL_MODES = ("constant", "nearest", "wrap", "reflect")
INTERPOLATIONS = ("nearest", "bilinear")


def _fold(coord: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Maps continuous coordinates into `[0, n - 1]` as TensorFlow's fill modes do."""
    if mode == "constant":
        return coord
    if n <= 1:
        return np.zeros_like(coord)
    c = coord.copy()
    if mode == "reflect":
        period = 2 * n
        neg, pos = c < 0, c > n - 1
        cn = c[neg]
        cn = period * np.trunc(-cn / period) + cn
        c[neg] = np.where(cn < -n, cn + period, -cn - 1)
        cp = c[pos]
        cp = cp - period * np.trunc(cp / period)
        c[pos] = np.where(cp >= n, period - cp - 1, cp)
    elif mode == "wrap":
        neg, pos = c < 0, c > n - 1
        c[neg] = c[neg] + n * (np.trunc(-c[neg] / (n - 1)) + 1)
        c[pos] = c[pos] - n * np.trunc(c[pos] / (n - 1))
    return np.clip(c, 0, n - 1)


def _taps(y, x, h, w, interpolation):
    """`[(row, col, weight)]` integer taps per output pixel (rows/cols may be out of range)."""
    if interpolation == "nearest":
        ry = np.sign(y) * np.floor(np.abs(y) + 0.5)  # std::round: halves away from zero
        rx = np.sign(x) * np.floor(np.abs(x) + 0.5)
        return [(ry, rx, np.ones_like(y))]
    y0, x0 = np.floor(y), np.floor(x)
    y1, x1 = y0 + 1, x0 + 1
    return [
        (y0, x0, (y1 - y) * (x1 - x)),
        (y0, x1, (y1 - y) * (x - x0)),
        (y1, x0, (y - y0) * (x1 - x)),
        (y1, x1, (y - y0) * (x - x0)),
    ]


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Applies a projective transform to each image (Keras 3 `ops.image.affine_transform`).

    Args:
        images: `(N, H, W, C)` or `(H, W, C)` (channels_first: `(N, C, H, W)`).
        transform: `(8,)` or `(N, 8)` transforms mapping output to input pixels.
        interpolation: `"bilinear"` or `"nearest"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"` or `"reflect"`.
        fill_value: Value read outside the image in `"constant"` mode.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The transformed images, same shape; differentiable in `images`.
    """
    xv = np.asarray(unwrap(images)[0])
    if xv.ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
            f"of images). Received input with shape: images.shape={xv.shape}"
        )
    n = 1 if xv.ndim == 3 else xv.shape[0]
    if cu.standardize_format(data_format) == "channels_first":
        h, w = xv.shape[-2:]
    else:
        h, w = xv.shape[-3:-1]
    t = np.asarray(unwrap(transform)[0], dtype=np.float32).reshape(-1, 8)
    if t.shape[0] == 1 and n > 1:
        t = np.repeat(t, n, axis=0)
    if t.shape[0] != n:
        raise ValueError(f"Expected one transform per image: {n} images, {t.shape[0]} transforms.")
    # float32 coordinates, as the TensorFlow kernel computes them (ties in `nearest` agree)
    ys, xs = np.meshgrid(
        np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32), indexing="ij"
    )
    a = t.astype(np.float32)[:, :, None, None]
    k = a[:, 6] * xs + a[:, 7] * ys + np.float32(1.0)
    src_x = (a[:, 0] * xs + a[:, 1] * ys + a[:, 2]) / k
    src_y = (a[:, 3] * xs + a[:, 4] * ys + a[:, 5]) / k
    return sample_images(images, src_y, src_x, interpolation, fill_mode, fill_value, data_format)


def sample_images(
    images,
    src_y,
    src_x,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Reads each image at the given coordinates (`(N, H, W)` rows and columns).

    Output pixel `(i, j)` of image `b` is the input at row `src_y[b, i, j]`, column
    `src_x[b, i, j]`, interpolated and filled as `affine_transform` does.

    Args:
        images: `(N, H, W, C)` or `(H, W, C)` (channels_first: `(N, C, H, W)`).
        src_y: `(N, H, W)` source rows (`(H, W)` for one image).
        src_x: `(N, H, W)` source columns.
        interpolation: `"bilinear"` or `"nearest"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"` or `"reflect"`.
        fill_value: Value read outside the image in `"constant"` mode.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The sampled images, same shape; differentiable in `images`.
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one "
            f"{set(INTERPOLATIONS)}. Received: interpolation={interpolation}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"Invalid value for argument `fill_mode`. Expected of one "
            f"{FILL_MODES}. Received: fill_mode={fill_mode}"
        )
    xv, xn = unwrap(images)
    xv = np.asarray(xv)
    dtype = xv.dtype if xv.dtype.kind == "f" else np.dtype("float32")
    single = xv.ndim == 3
    batch = xv[None] if single else xv
    if cu.standardize_format(data_format) == "channels_first":
        batch = np.moveaxis(batch, 1, -1)
    n, h, w, c = batch.shape
    src_x = _fold(np.asarray(src_x, np.float32).reshape(n, h, w), w, fill_mode)
    src_y = _fold(np.asarray(src_y, np.float32).reshape(n, h, w), h, fill_mode)
    flat = batch.reshape(n, h * w, c).astype(np.float64)
    bidx = np.arange(n)[:, None, None]
    out = np.zeros((n, h, w, c))
    taps = []
    for ty, tx, wt in _taps(src_y, src_x, h, w, interpolation):
        inside = (ty >= 0) & (ty <= h - 1) & (tx >= 0) & (tx <= w - 1)
        lin = (np.clip(ty, 0, h - 1) * w + np.clip(tx, 0, w - 1)).astype(np.int64)
        vals = flat[bidx, lin]
        out += np.where(inside[..., None], vals, float(fill_value)) * wt[..., None]
        taps.append((lin, np.where(inside, wt, 0.0)))
    result = out.astype(dtype)
    if cu.standardize_format(data_format) == "channels_first":
        result = np.moveaxis(result, -1, 1)
    result = result[0] if single else result
    if xn is None:
        return result

    def vjp(g):
        g = np.asarray(g, dtype=np.float64)
        g = g[None] if single else g
        if cu.standardize_format(data_format) == "channels_first":
            g = np.moveaxis(g, 1, -1)
        grad = np.zeros((n, h * w, c))
        for lin, wt in taps:
            for b in range(n):
                np.add.at(grad[b], lin[b].ravel(), (g[b] * wt[b][..., None]).reshape(-1, c))
        grad = grad.reshape(n, h, w, c)
        if cu.standardize_format(data_format) == "channels_first":
            grad = np.moveaxis(grad, -1, 1)
        return (grad[0] if single else grad).astype(dtype)

    return record(result, (xn, vjp))
