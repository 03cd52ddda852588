"""`conv_transpose`: the transposed convolution, with Keras' padding rules.

Forward: `y = crop(col2im(x @ kernel_matrix.T))`; the VJP is the im2col of the
(uncropped) output gradient: `dx = windows(g) @ kernel_matrix`,
`dkernel = windows(g).T @ x`. Kernels are `(*spatial, out, in)` as in Keras.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record
from minikeras.ops import conv_utils as cu


def conv_transpose_pads(k, s, d, padding, output_padding) -> tuple[int, int]:
    """Keras' (left, right) padding of the stride-dilated input for a transposed conv."""
    keff = cu.effective_size(k, d)
    if padding == "valid":
        op = max(keff, s) - keff if output_padding is None else output_padding
        return keff - 1, keff - 1 + op
    pad_len = s + keff - 2 if output_padding is None else keff + keff % 2 - 2 + output_padding
    left = min(pad_len // 2 + pad_len % 2, keff - 1)
    return left, pad_len - left


def conv_transpose_length(size, k, s, d, padding, output_padding):
    """Output length of a transposed convolution along one axis (None stays None)."""
    if size is None:
        return None
    left, right = conv_transpose_pads(k, s, d, padding, output_padding)
    return (size - 1) * s + 1 + left + right - cu.effective_size(k, d) + 1


def _conv_transpose_cl(x, kernel, strides, padding, output_padding, dilation):
    xv, xn, kv, kn, n, strides, dilation, padding = cu.conv_operands(
        "conv_transpose", x, kernel, strides, dilation, padding
    )
    ksize, fout, cin = kv.shape[:n], kv.shape[-2], kv.shape[-1]
    if xv.shape[-1] != cin:
        raise ValueError(
            f"`conv_transpose`: the kernel's last dimension ({cin}, kernel shape {kv.shape}) "
            f"must equal the number of input channels ({xv.shape[-1]})."
        )
    ops_ = (
        [None] * n
        if output_padding is None
        else list(cu.normalize_tuple(output_padding, n, "output_padding"))
    )
    in_sp = xv.shape[1:-1]
    full = tuple(
        (i - 1) * s + cu.effective_size(k, d) for i, k, s, d in zip(in_sp, ksize, strides, dilation)
    )
    lr = [
        conv_transpose_pads(k, s, d, padding, o)
        for k, s, d, o in zip(ksize, strides, dilation, ops_)
    ]
    out_sp = tuple(
        conv_transpose_length(i, k, s, d, padding, o)
        for i, k, s, d, o in zip(in_sp, ksize, strides, dilation, ops_)
    )
    cu.check_output("conv_transpose", xv.shape, out_sp, ksize, dilation, padding)
    # Output index j reads full index j + crop; crop may be negative (zero rows first).
    crops = [cu.effective_size(k, d) - 1 - left for (left, _), k, d in zip(lr, ksize, dilation)]
    src = (
        (slice(None),)
        + tuple(slice(max(c, 0), min(f, c + o)) for c, f, o in zip(crops, full, out_sp))
        + (slice(None),)
    )
    dst = (
        (slice(None),)
        + tuple(
            slice(max(-c, 0), max(-c, 0) + min(f, c + o) - max(c, 0))
            for c, f, o in zip(crops, full, out_sp)
        )
        + (slice(None),)
    )
    batch = xv.shape[0]
    rows = batch * cu.prod(in_sp)
    kp = cu.prod(ksize)
    kmat = kv.reshape(kp * fout, cin)
    xm = xv.reshape(rows, cin)
    cols = (xm @ kmat.T).reshape(batch, *in_sp, *ksize, fout)
    whole = cu.col2im(cols, (batch, *full, fout), ksize, strides, dilation)
    out = np.zeros((batch, *out_sp, fout), dtype=whole.dtype)
    out[dst] = whole[src]
    if xn is None and kn is None:
        return out

    def dcols(g):
        gfull = np.zeros((batch, *full, fout), dtype=g.dtype)
        gfull[src] = g[dst]  # also turns a broadcast gradient into a real array
        return cu.windows(gfull, ksize, strides, dilation).reshape(rows, kp * fout)

    return record(
        out,
        (xn, lambda g: (dcols(g) @ kmat).reshape(xv.shape)),
        (kn, lambda g: (dcols(g).T @ xm).reshape(kv.shape)),
    )


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution (the gradient of `conv` with respect to its input).

    Args:
        inputs: Tensor of rank N + 2.
        kernel: `(*kernel_size, filters, in_channels)` (Keras layout).
        strides: Int or tuple of N ints.
        padding: `"valid"` or `"same"`.
        output_padding: None, or int/tuple of N ints: extra rows at the end of
            each spatial axis (must be smaller than the stride).
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of N ints.
    """
    return cu.in_data_format(
        "conv_transpose",
        _conv_transpose_cl,
        inputs,
        data_format,
        kernel,
        strides,
        padding,
        output_padding,
        dilation_rate,
    )
