"""Convolutions (`conv`, `depthwise_conv`, `separable_conv`; see also `conv_transpose`).

Each is im2col + one matrix product, recorded as a single tape node with a
hand-written VJP:

* forward: `cols = windows(pad(x))` (one copy), `y = cols @ kernel_matrix`;
* `dkernel = cols.T @ g`, `dx = crop(col2im(g @ kernel_matrix.T))` (for one
  group, col2im is fused: one product per kernel tap, added in place).

One-channel inputs (a first layer on grey images) get taps-major columns, one
contiguous copy per tap. `conv_bias` (used by the layers) adds the bias in
place, or inside the products for one input channel.

Grouped convolutions (`groups = C_in / kernel.shape[-2]`) batch one product
per group. Depthwise convolutions (one input channel per group, too thin for
BLAS) are instead a multiply-add of strided input slices per kernel tap.
Kernels use the Keras layout `(*spatial, in_channels/groups, out)`.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import cached_backward, record, unwrap
from minikeras.backend.blas_threads import prepare_product
from minikeras.ops import conv_utils as cu


def _conv_cl(x, kernel, strides, padding, dilation, op="conv", bias=None):
    """Channels-last convolution of tape-aware `x` with `kernel` (plus `bias`, if given)."""
    xv, xn, kv, kn, n, strides, dilation, padding = cu.conv_operands(
        op, x, kernel, strides, dilation, padding
    )
    ksize = kv.shape[:n]
    channels, cg, filters = xv.shape[-1], kv.shape[-2], kv.shape[-1]
    if cg == 0 or channels % cg:
        raise ValueError(
            f"`{op}`: the number of input channels ({channels}) must be a multiple of the "
            f"kernel's input-channel dimension ({cg}, kernel shape {kv.shape}); their ratio is "
            f"the number of groups. Received inputs of shape {xv.shape}."
        )
    groups = channels // cg
    if filters % groups:
        raise ValueError(
            f"`{op}`: the number of filters ({filters}) must be divisible by the number of "
            f"groups ({groups}). Received kernel of shape {kv.shape}."
        )
    bv, bn = (None, None) if bias is None else unwrap(bias)
    if bv is not None:
        bv = np.asarray(bv, dtype=kv.dtype)
        if bv.shape != (filters,):
            raise ValueError(
                f"`{op}`: the bias must have shape ({filters},) (one value per filter). "
                f"Received bias of shape {bv.shape}."
            )
    pads, xp, out_sp = cu.padded_input(op, xv, ksize, strides, dilation, padding)
    batch = xv.shape[0]
    rows = batch * cu.prod(out_sp)
    kp = cu.prod(ksize)
    fg = filters // groups
    # With one input channel the products are thin (and bound by their output): the
    # bias rides in them, a row of ones in the im2col matrix meeting the bias as the
    # kernel matrix's last row, and the same row turns `dkernel`'s product into
    # `dbias` too. Otherwise the bias is added in place and `dbias` is a column sum.
    ones = int(bv is not None and groups == 1 and channels == 1)
    prepare_product(rows, kp * cg, fg)
    if groups == 1 and channels == 1:
        # Taps-major columns `(kp, rows)`, one contiguous copy per tap (copying the
        # windows would move a few elements at a time); `cols` is the transposed
        # view, which BLAS reads as is.
        colsT = np.empty((kp + ones, batch, *out_sp), dtype=xv.dtype)
        for t, kidx in enumerate(np.ndindex(*ksize)):
            colsT[t] = xp[cu.tap_slice(kidx, out_sp, strides, dilation)][..., 0]
        if ones:
            colsT[kp] = 1
        cols = colsT.reshape(kp + ones, rows).T
        kmat = kv.reshape(kp, filters)
        out = cols @ (np.concatenate([kmat, bv[None]]) if ones else kmat)
    elif groups == 1:
        cols = cu.windows(xp, ksize, strides, dilation).reshape(rows, kp * channels)
        kmat = kv.reshape(kp * channels, filters)
        out = cols @ kmat
    else:
        win = cu.windows(xp, ksize, strides, dilation)
        cols = (
            win.reshape(rows, kp, groups, cg).transpose(2, 0, 1, 3).reshape(groups, rows, kp * cg)
        )
        kmat = kv.reshape(kp, cg, groups, fg).transpose(2, 0, 1, 3).reshape(groups, kp * cg, fg)
        out = np.matmul(cols, kmat).transpose(1, 0, 2).reshape(rows, filters)
    if bv is not None and not ones:
        out += bv
    out = out.reshape(batch, *out_sp, filters)
    if xn is None and kn is None and bn is None:
        return out

    # groups == 1: `cols.T @ g`, run once per `g` for dkernel and (its ones row) dbias.
    def dk_matmul(g):
        prepare_product(kp * channels, rows, filters)
        return cols.T @ np.ascontiguousarray(g).reshape(rows, filters)

    dk_product = cached_backward(dk_matmul)

    def vjp_x(g):
        # Upstream gradients may be broadcast views (zero strides): BLAS needs real arrays.
        gm = np.ascontiguousarray(g).reshape(rows, filters)
        if groups == 1:
            # One product per kernel tap, added straight into place (no patch buffer).
            dx = np.zeros(xp.shape, dtype=gm.dtype)
            taps = kv.reshape(kp, channels, filters)
            prepare_product(rows, filters, channels)
            for t, kidx in enumerate(np.ndindex(*ksize)):
                dx[cu.tap_slice(kidx, out_sp, strides, dilation)] += (gm @ taps[t].T).reshape(
                    batch, *out_sp, channels
                )
            return cu.crop_spatial(dx, pads)
        gg = gm.reshape(rows, groups, fg).transpose(1, 0, 2)
        prepare_product(rows, fg, kp * cg)
        dcols = (
            np.matmul(gg, kmat.transpose(0, 2, 1))
            .reshape(groups, rows, kp, cg)
            .transpose(1, 2, 0, 3)
        )
        dcols = dcols.reshape(batch, *out_sp, *ksize, channels)
        return cu.crop_spatial(cu.col2im(dcols, xp.shape, ksize, strides, dilation), pads)

    def vjp_k(g):
        if groups == 1:
            return dk_product(g)[: kp * channels].reshape(kv.shape)
        gg = np.ascontiguousarray(g).reshape(rows, groups, fg).transpose(1, 0, 2)
        prepare_product(kp * cg, rows, fg)
        dk = np.matmul(cols.transpose(0, 2, 1), gg)
        return dk.reshape(groups, kp, cg, fg).transpose(1, 2, 0, 3).reshape(kv.shape)

    def vjp_b(g):
        if ones and kn is not None:  # the ones row of dkernel's product
            return dk_product(g)[-1]
        return np.ascontiguousarray(g).reshape(rows, filters).sum(axis=0)

    return record(out, (xn, vjp_x), (kn, vjp_k), (bn, vjp_b))


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
    return cu.in_data_format(
        "conv", _conv_cl, inputs, data_format, kernel, strides, padding, dilation_rate
    )


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`conv(...) + bias` as one node, without a separate pass for the bias.

    The bias is added in place to the product (or, for one input channel,
    inside it, with `dbias` from `dkernel`'s product). Used by the convolution
    layers; arguments as for `conv`, with `bias` of shape `(filters,)`.
    """
    return cu.in_data_format(
        "conv", _conv_cl, inputs, data_format, kernel, strides, padding, dilation_rate, "conv", bias
    )


def _depthwise_cl(x, kernel, strides, padding, dilation):
    """Channels-last depthwise convolution: one multiply-add per kernel tap.

    `kernel` is `(*ksize, C, M)`; the output has `C * M` channels. Each tap is a
    broadcast product of a strided input slice with `kernel[tap]` (no im2col:
    per-channel products are too thin for BLAS).
    """
    xv, xn, kv, kn, n, strides, dilation, padding = cu.conv_operands(
        "depthwise_conv", x, kernel, strides, dilation, padding
    )
    ksize, channels, mult = kv.shape[:n], kv.shape[-2], kv.shape[-1]
    if xv.shape[-1] != channels:
        raise ValueError(
            f"`depthwise_conv`: the kernel's input-channel dimension ({channels}, kernel shape "
            f"{kv.shape}) must equal the number of input channels ({xv.shape[-1]})."
        )
    pads, xp, out_sp = cu.padded_input("depthwise_conv", xv, ksize, strides, dilation, padding)
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


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel convolved with its own filters.

    Args:
        inputs: Tensor of rank N + 2.
        kernel: `(*kernel_size, in_channels, depth_multiplier)`; output
            channel `c * depth_multiplier + m` uses `kernel[..., c, m]`.
        strides, padding, data_format, dilation_rate: As for `conv`.
    """
    return cu.in_data_format(
        "depthwise_conv",
        _depthwise_cl,
        inputs,
        data_format,
        kernel,
        strides,
        padding,
        dilation_rate,
    )


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
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
