"""Convolutions (`conv`, `depthwise_conv`, `separable_conv`, `conv_transpose`).

Each is im2col + one matrix product, recorded as a single tape node with a
hand-written VJP:

* forward: `cols = windows(pad(x))` (one copy), `y = cols @ kernel_matrix`;
* `dkernel = cols.T @ g`, `dx = crop(col2im(g @ kernel_matrix.T))` (for one
  group, col2im is fused: one product per kernel tap, added in place).

Grouped convolutions (`groups = C_in / kernel.shape[-2]`) batch one product
per group. Depthwise convolutions (one input channel per group, too thin for
BLAS) are instead a multiply-add of strided input slices per kernel tap.
Kernels use the Keras layout `(*spatial, in_channels/groups, out)`;
`conv_transpose` kernels are `(*spatial, out, in)` as in Keras.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap
from minikeras.ops import conv_utils as cu


def _conv_cl(x, kernel, strides, padding, dilation, op="conv"):
    """Channels-last convolution of tape-aware `x` with `kernel`."""
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    xv, kv = np.asarray(xv), np.asarray(kv)
    n = cu.spatial_rank(op, xv.shape, kv.ndim)
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    ksize = kv.shape[:n]
    strides = cu.normalize_tuple(strides, n, "strides")
    dilation = cu.normalize_tuple(dilation, n, "dilation_rate")
    padding = cu.normalize_padding(padding)
    channels, cg, filters = xv.shape[-1], kv.shape[-2], kv.shape[-1]
    if cg == 0 or channels % cg:
        raise ValueError(
            f"`{op}`: the number of input channels ({channels}) must be a multiple of the "
            f"kernel's input-channel dimension ({cg}, kernel shape {kv.shape}); their ratio is "
            f"the number of groups. Received inputs of shape {xv.shape}.")
    groups = channels // cg
    if filters % groups:
        raise ValueError(
            f"`{op}`: the number of filters ({filters}) must be divisible by the number of "
            f"groups ({groups}). Received kernel of shape {kv.shape}.")
    pads = cu.spatial_pads(xv.shape[1:-1], ksize, strides, dilation, padding)
    xp = cu.pad_spatial(xv, pads)
    out_sp = tuple(cu.output_length(p, k, s, d, "valid")
                   for p, k, s, d in zip(xp.shape[1:-1], ksize, strides, dilation))
    cu.check_output(op, xv.shape, out_sp, ksize, dilation, padding)
    win = cu.windows(xp, ksize, strides, dilation)
    batch = xv.shape[0]
    rows = batch * cu.prod(out_sp)
    kp = cu.prod(ksize)
    fg = filters // groups
    if groups == 1:
        cols = win.reshape(rows, kp * channels)
        kmat = kv.reshape(kp * channels, filters)
        out = cols @ kmat
    else:
        cols = (win.reshape(rows, kp, groups, cg).transpose(2, 0, 1, 3)
                .reshape(groups, rows, kp * cg))
        kmat = (kv.reshape(kp, cg, groups, fg).transpose(2, 0, 1, 3)
                .reshape(groups, kp * cg, fg))
        out = np.matmul(cols, kmat).transpose(1, 0, 2).reshape(rows, filters)
    out = out.reshape(batch, *out_sp, filters)
    if xn is None and kn is None:
        return out

    def vjp_x(g):
        # Upstream gradients may be broadcast views (zero strides): BLAS needs real arrays.
        gm = np.ascontiguousarray(g).reshape(rows, filters)
        if groups == 1:
            # One product per kernel tap, added straight into place (no patch buffer).
            dx = np.zeros(xp.shape, dtype=gm.dtype)
            taps = kv.reshape(kp, channels, filters)
            for t, kidx in enumerate(np.ndindex(*ksize)):
                dx[cu.tap_slice(kidx, out_sp, strides, dilation)] += (
                    gm @ taps[t].T).reshape(batch, *out_sp, channels)
            return cu.crop_spatial(dx, pads)
        gg = gm.reshape(rows, groups, fg).transpose(1, 0, 2)
        dcols = (np.matmul(gg, kmat.transpose(0, 2, 1)).reshape(groups, rows, kp, cg)
                 .transpose(1, 2, 0, 3))
        dcols = dcols.reshape(batch, *out_sp, *ksize, channels)
        return cu.crop_spatial(cu.col2im(dcols, xp.shape, ksize, strides, dilation), pads)

    def vjp_k(g):
        gm = np.ascontiguousarray(g).reshape(rows, filters)
        if groups == 1:
            return (cols.T @ gm).reshape(kv.shape)
        gg = gm.reshape(rows, groups, fg).transpose(1, 0, 2)
        dk = np.matmul(cols.transpose(0, 2, 1), gg)
        return dk.reshape(groups, kp, cg, fg).transpose(1, 2, 0, 3).reshape(kv.shape)

    return record(out, (xn, vjp_x), (kn, vjp_k))


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """General N-D convolution (1D, 2D or 3D), as `keras.ops.conv`.

    Args:
        inputs: Tensor of rank N + 2: `(batch, *spatial, channels)` for
            channels_last, `(batch, channels, *spatial)` for channels_first.
        kernel: `(*kernel_size, in_channels // groups, filters)`.
        strides: Int or tuple of N ints.
        padding: `"valid"` or `"same"` (TF/Keras convention: an odd total
            padding puts the extra element after).
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global image data format).
        dilation_rate: Int or tuple of N ints.

    Returns:
        The convolved tensor, in `data_format`.
    """
    data_format = cu.standardize_format(data_format)
    if data_format == "channels_first":
        n = cu.spatial_rank("conv", np.shape(unwrap(inputs)[0]))
        out = _conv_cl(cu.to_channels_last(inputs, n), kernel, strides, padding, dilation_rate)
        return cu.to_channels_first(out, n)
    return _conv_cl(inputs, kernel, strides, padding, dilation_rate)


def _depthwise_cl(x, kernel, strides, padding, dilation):
    """Channels-last depthwise convolution: one multiply-add per kernel tap.

    `kernel` is `(*ksize, C, M)`; the output has `C * M` channels. Each tap is a
    broadcast product of a strided input slice with `kernel[tap]` (no im2col:
    per-channel products are too thin for BLAS).
    """
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    xv, kv = np.asarray(xv), np.asarray(kv)
    n = cu.spatial_rank("depthwise_conv", xv.shape, kv.ndim)
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    ksize, channels, mult = kv.shape[:n], kv.shape[-2], kv.shape[-1]
    if xv.shape[-1] != channels:
        raise ValueError(
            f"`depthwise_conv`: the kernel's input-channel dimension ({channels}, kernel shape "
            f"{kv.shape}) must equal the number of input channels ({xv.shape[-1]}).")
    strides = cu.normalize_tuple(strides, n, "strides")
    dilation = cu.normalize_tuple(dilation, n, "dilation_rate")
    padding = cu.normalize_padding(padding)
    pads = cu.spatial_pads(xv.shape[1:-1], ksize, strides, dilation, padding)
    xp = cu.pad_spatial(xv, pads)
    out_sp = tuple(cu.output_length(p, k, s, d, "valid")
                   for p, k, s, d in zip(xp.shape[1:-1], ksize, strides, dilation))
    cu.check_output("depthwise_conv", xv.shape, out_sp, ksize, dilation, padding)
    taps = [(kidx, cu.tap_slice(kidx, out_sp, strides, dilation)) for kidx in np.ndindex(*ksize)]
    batch = xv.shape[0]
    # Multiplier-major buffer: every product runs along the contiguous channel axis.
    outm = np.zeros((mult, batch, *out_sp, channels), dtype=xv.dtype)
    for kidx, sl in taps:
        for m in range(mult):
            outm[m] += xp[sl] * kv[kidx][:, m]
    out = np.moveaxis(outm, 0, -1).reshape(batch, *out_sp, channels * mult)
    if xn is None and kn is None:
        return out
    red = "ABCDEF"[: n + 1]  # batch and spatial axes (channel: c)

    def split(g):
        """`(N, *out, C * M)` gradient as a contiguous `(M, N, *out, C)` array."""
        g = np.reshape(g, (batch, *out_sp, channels, mult))
        return np.ascontiguousarray(np.moveaxis(g, -1, 0))

    def vjp_x(g):
        gm = split(g)
        dx = np.zeros(xp.shape, dtype=gm.dtype)
        for kidx, sl in taps:
            for m in range(mult):
                dx[sl] += gm[m] * kv[kidx][:, m]
        return cu.crop_spatial(dx, pads)

    def vjp_k(g):
        gm = split(g)
        dk = np.zeros(kv.shape, dtype=gm.dtype)
        for kidx, sl in taps:
            for m in range(mult):  # strided einsum: no copies of the input slice
                dk[kidx + (slice(None), m)] = np.einsum(f"{red}c,{red}c->c", xp[sl], gm[m])
        return dk

    return record(out, (xn, vjp_x), (kn, vjp_k))


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution: each input channel convolved with its own filters.

    Args:
        inputs: Tensor of rank N + 2.
        kernel: `(*kernel_size, in_channels, depth_multiplier)`; output
            channel `c * depth_multiplier + m` uses `kernel[..., c, m]`.
        strides, padding, data_format, dilation_rate: As for `conv`.
    """
    data_format = cu.standardize_format(data_format)
    if data_format == "channels_first":
        n = cu.spatial_rank("depthwise_conv", np.shape(unwrap(inputs)[0]))
        out = _depthwise_cl(cu.to_channels_last(inputs, n), kernel, strides, padding,
                            dilation_rate)
        return cu.to_channels_first(out, n)
    return _depthwise_cl(inputs, kernel, strides, padding, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution.

    Args:
        inputs: Tensor of rank N + 2.
        depthwise_kernel: `(*kernel_size, in_channels, depth_multiplier)`.
        pointwise_kernel: `(*[1] * N, in_channels * depth_multiplier, filters)`.
        strides, padding, data_format, dilation_rate: As for `conv`
            (applied to the depthwise step).
    """
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


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
    xv, xn = unwrap(x)
    kv, kn = unwrap(kernel)
    xv, kv = np.asarray(xv), np.asarray(kv)
    n = cu.spatial_rank("conv_transpose", xv.shape, kv.ndim)
    if xv.dtype != kv.dtype:
        xv = xv.astype(kv.dtype)
    ksize, fout, cin = kv.shape[:n], kv.shape[-2], kv.shape[-1]
    if xv.shape[-1] != cin:
        raise ValueError(
            f"`conv_transpose`: the kernel's last dimension ({cin}, kernel shape {kv.shape}) "
            f"must equal the number of input channels ({xv.shape[-1]}).")
    strides = cu.normalize_tuple(strides, n, "strides")
    dilation = cu.normalize_tuple(dilation, n, "dilation_rate")
    padding = cu.normalize_padding(padding)
    ops_ = ([None] * n if output_padding is None
            else list(cu.normalize_tuple(output_padding, n, "output_padding")))
    in_sp = xv.shape[1:-1]
    full = tuple((i - 1) * s + cu.effective_size(k, d)
                 for i, k, s, d in zip(in_sp, ksize, strides, dilation))
    lr = [conv_transpose_pads(k, s, d, padding, o)
          for k, s, d, o in zip(ksize, strides, dilation, ops_)]
    out_sp = tuple(conv_transpose_length(i, k, s, d, padding, o)
                   for i, k, s, d, o in zip(in_sp, ksize, strides, dilation, ops_))
    cu.check_output("conv_transpose", xv.shape, out_sp, ksize, dilation, padding)
    # Output index j reads full index j + crop; crop may be negative (zero rows first).
    crops = [cu.effective_size(k, d) - 1 - left for (left, _), k, d in zip(lr, ksize, dilation)]
    src = (slice(None),) + tuple(slice(max(c, 0), min(f, c + o))
                                 for c, f, o in zip(crops, full, out_sp)) + (slice(None),)
    dst = (slice(None),) + tuple(slice(max(-c, 0), max(-c, 0) + min(f, c + o) - max(c, 0))
                                 for c, f, o in zip(crops, full, out_sp)) + (slice(None),)
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

    return record(out, (xn, lambda g: (dcols(g) @ kmat).reshape(xv.shape)),
                  (kn, lambda g: (dcols(g).T @ xm).reshape(kv.shape)))


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
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
    data_format = cu.standardize_format(data_format)
    if data_format == "channels_first":
        n = cu.spatial_rank("conv_transpose", np.shape(unwrap(inputs)[0]))
        out = _conv_transpose_cl(cu.to_channels_last(inputs, n), kernel, strides, padding,
                                 output_padding, dilation_rate)
        return cu.to_channels_first(out, n)
    return _conv_transpose_cl(inputs, kernel, strides, padding, output_padding, dilation_rate)
