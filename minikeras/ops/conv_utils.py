"""Shared helpers of the convolution and pooling ops: arguments, padding, windows.

All work is on channels_last arrays `(batch, *spatial, channels)`. Windows are
strided views (`sliding_window_view`), so im2col costs one copy; the reverse
(col2im) is a loop over kernel positions that adds strided slices.
"""

from __future__ import annotations

import math

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import unwrap


def normalize_tuple(value, n: int, name: str) -> tuple:
    """`value` as a tuple of `n` positive ints (an int is repeated).

    Raises:
        ValueError: if `value` has the wrong length or a non-positive entry.
    """
    if isinstance(value, (int, np.integer)):
        out = (int(value),) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except TypeError:
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received: {name}={value}"
            ) from None
        if len(out) == 1 and n > 1:
            out = out * n
    if len(out) != n or any(v <= 0 for v in out):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} positive integers. "
            f"Received: {name}={value}"
        )
    return out


def normalize_padding(padding, allowed=("valid", "same")) -> str:
    """Lower-cased `padding`, validated against `allowed`."""
    p = str(padding).lower()
    if p not in allowed:
        raise ValueError(
            f"The `padding` argument must be one of {set(allowed)}. Received: padding={padding}"
        )
    return p


def effective_size(k: int, d: int) -> int:
    """Extent of a kernel of size `k` with dilation `d`."""
    return (k - 1) * d + 1


def output_length(size, k: int, s: int, d: int, padding: str):
    """Output length of a convolution/pooling along one axis (None stays None)."""
    if size is None:
        return None
    if padding == "same":
        return -(-size // s)
    return (size - effective_size(k, d)) // s + 1


def same_pads(size: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TF/Keras "same" padding: the extra element (if odd) goes after."""
    out = -(-size // s)
    total = max((out - 1) * s + effective_size(k, d) - size, 0)
    return total // 2, total - total // 2


def spatial_pads(spatial, ksize, strides, dilation, padding) -> list[tuple[int, int]]:
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    return [same_pads(n, k, s, d) for n, k, s, d in zip(spatial, ksize, strides, dilation)]


def check_output(op: str, x_shape, out_spatial, ksize, dilation, padding) -> None:
    if any(o <= 0 for o in out_spatial):
        raise ValueError(
            f"`{op}`: the window (size {tuple(ksize)}, dilation {tuple(dilation)}) is larger "
            f"than the (padded) input. Received inputs of shape {tuple(x_shape)} with "
            f"padding='{padding}', which would give spatial output size {tuple(out_spatial)}. "
            "Use a smaller kernel/pool size, padding='same', or a larger input."
        )


def padded_input(op: str, xv: np.ndarray, ksize, strides, dilation, padding) -> tuple:
    """`(pads, padded input, output spatial shape)` of a sliding-window op on `xv`.

    Raises:
        ValueError: if the output would be empty (via `check_output`).
    """
    pads = spatial_pads(xv.shape[1:-1], ksize, strides, dilation, padding)
    xp = pad_spatial(xv, pads)
    out_sp = tuple(
        output_length(p, k, s, d, "valid")
        for p, k, s, d in zip(xp.shape[1:-1], ksize, strides, dilation)
    )
    check_output(op, xv.shape, out_sp, ksize, dilation, padding)
    return pads, xp, out_sp


def pad_spatial(x: np.ndarray, pads, value=0) -> np.ndarray:
    if not any(a or b for a, b in pads):
        return x
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=value)


def crop_spatial(x: np.ndarray, pads) -> np.ndarray:
    if not any(a or b for a, b in pads):
        return x
    sl = tuple(slice(a, n - b) for (a, b), n in zip(pads, x.shape[1:-1]))
    return x[(slice(None), *sl, slice(None))]


def windows(xp: np.ndarray, ksize, strides, dilation) -> np.ndarray:
    """Strided view `(N, *out, *ksize, C)` of the windows of a channels_last array."""
    n = len(ksize)
    keff = tuple(effective_size(k, d) for k, d in zip(ksize, dilation))
    v = np.lib.stride_tricks.sliding_window_view(xp, keff, axis=tuple(range(1, n + 1)))
    idx = (
        (slice(None),)
        + tuple(slice(None, None, s) for s in strides)
        + (slice(None),)
        + tuple(slice(None, None, d) for d in dilation)
    )
    v = v[idx]
    return v.transpose((0, *range(1, n + 1), *range(n + 2, 2 * n + 2), n + 1))


def tap_slice(kidx, out_spatial, strides, dilation) -> tuple:
    """Index of the input elements that kernel tap `kidx` touches, one per output."""
    return (
        (slice(None),)
        + tuple(
            slice(k * d, k * d + (o - 1) * s + 1, s)
            for k, d, o, s in zip(kidx, dilation, out_spatial, strides)
        )
        + (slice(None),)
    )


def col2im(cols: np.ndarray, padded_shape, ksize, strides, dilation) -> np.ndarray:
    """Adjoint of `windows`: sums `(N, *out, *ksize, C)` patches into `padded_shape`."""
    n = len(ksize)
    out_spatial = cols.shape[1 : n + 1]
    dx = np.zeros(padded_shape, dtype=cols.dtype)
    lead = (slice(None),) * (n + 1)
    for kidx in np.ndindex(*ksize):
        dx[tap_slice(kidx, out_spatial, strides, dilation)] += cols[lead + kidx]
    return dx


def to_channels_last(x, n: int):
    from minikeras.ops.numpy import transpose

    return transpose(x, (0, *range(2, n + 2), 1))


def to_channels_first(x, n: int):
    from minikeras.ops.numpy import transpose

    return transpose(x, (0, n + 1, *range(1, n + 1)))


def spatial_rank(op: str, x_shape, kernel_ndim: int | None = None, min_rank=3) -> int:
    ndim = len(x_shape)
    if ndim < min_rank or ndim > 5:
        raise ValueError(
            f"`{op}` expects inputs of rank 3, 4 or 5 (batch, *spatial, channels) for 1D, 2D "
            f"or 3D. Received inputs of shape {tuple(x_shape)} (rank {ndim})."
        )
    if kernel_ndim is not None and kernel_ndim != ndim:
        raise ValueError(
            f"`{op}`: the kernel must have the same rank as the inputs (spatial dims + 2). "
            f"Received inputs of rank {ndim} and a kernel of rank {kernel_ndim}."
        )
    return ndim - 2


def standardize_format(data_format) -> str:
    return config.standardize_data_format(data_format)


def prod(values) -> int:
    return int(math.prod(values))


def conv_operands(op: str, x, kernel, strides, dilation, padding) -> tuple:
    """Unwraps the operands of a convolution op and standardizes its window arguments.

    Args:
        op: The op's name, for errors.
        x: Channels-last input (array, `Tensor` or `Variable`).
        kernel: Kernel of rank `x.ndim` (`(*spatial, ..., ...)`).
        strides, dilation: Int or tuple of `n` ints.
        padding: `"valid"` or `"same"`.

    Returns:
        `(xv, xn, kv, kn, n, strides, dilation, padding)`: the input's and kernel's
        arrays (input cast to the kernel's dtype) and tape nodes (as `unwrap` gives
        them), the spatial rank and the standardized arguments.
    """
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    xv, kv = np.asarray(xv), np.asarray(kv)
    n = spatial_rank(op, xv.shape, kv.ndim)
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    return (
        xv,
        xn,
        kv,
        kn,
        n,
        normalize_tuple(strides, n, "strides"),
        normalize_tuple(dilation, n, "dilation_rate"),
        normalize_padding(padding),
    )


def in_data_format(op: str, fn, inputs, data_format, *args):
    """`fn(inputs, *args)` for a channels-last op `fn`, with `inputs` in `data_format`.

    For channels_first, the inputs are moved to channels_last and the result back.
    """
    if standardize_format(data_format) == "channels_first":
        n = spatial_rank(op, np.shape(unwrap(inputs)[0]))
        return to_channels_first(fn(to_channels_last(inputs, n), *args), n)
    return fn(inputs, *args)
