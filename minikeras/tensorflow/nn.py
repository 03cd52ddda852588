"""`tf.nn`: activations, cross-entropies on logits, convolution/pooling, dropout, moments.

Built from `minikeras.ops`, so gradients flow; results come back as `EagerTensor`s.
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.tensorflow import math as tf_math
from minikeras.tensorflow._convert import axis_arg, inp, missing, out, val


def _act(op, doc):
    def fn(features, name=None):
        return out(op(inp(features)))

    fn.__doc__ = doc
    return fn


relu = _act(ops.relu, "`tf.nn.relu`.")
relu6 = _act(ops.relu6, "`tf.nn.relu6`.")
elu = _act(ops.elu, "`tf.nn.elu`.")
selu = _act(ops.selu, "`tf.nn.selu`.")
sigmoid = _act(ops.sigmoid, "`tf.nn.sigmoid`.")
tanh = _act(ops.tanh, "`tf.nn.tanh`.")
softplus = _act(ops.softplus, "`tf.nn.softplus`.")
softsign = _act(ops.softsign, "`tf.nn.softsign`.")
log_sigmoid = _act(ops.log_sigmoid, "`tf.nn.log_sigmoid`.")
l2_normalize = tf_math.l2_normalize
top_k = tf_math.top_k
in_top_k = tf_math.in_top_k


def gelu(features, approximate=False, name=None):
    """`tf.nn.gelu` (exact by default; tanh approximation with `approximate=True`)."""
    return out(ops.gelu(inp(features), approximate=approximate))


def silu(features, beta=1.0):
    """`tf.nn.silu` / `tf.nn.swish`: `x * sigmoid(beta * x)`."""
    x = inp(features)
    return out(ops.multiply(x, ops.sigmoid(ops.multiply(x, beta))))


swish = silu


def leaky_relu(features, alpha=0.2, name=None):
    """`tf.nn.leaky_relu` (alpha 0.2 by default, as in TensorFlow)."""
    return out(ops.leaky_relu(inp(features), negative_slope=alpha))


def softmax(logits, axis=None, name=None):
    """`tf.nn.softmax` over `axis` (last by default)."""
    return out(ops.softmax(inp(logits), axis=-1 if axis is None else axis_arg(axis)))


def log_softmax(logits, axis=None, name=None):
    """`tf.nn.log_softmax` over `axis` (last by default)."""
    return out(ops.log_softmax(inp(logits), axis=-1 if axis is None else axis_arg(axis)))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """`tf.nn.softmax_cross_entropy_with_logits`: per-example `-sum(labels * log_softmax)`."""
    lab, lg = inp(labels), inp(logits)
    return out(ops.negative(ops.sum(ops.multiply(lab, ops.log_softmax(lg, axis=axis)), axis=axis)))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """`tf.nn.sparse_softmax_cross_entropy_with_logits`: integer labels, per example.

    Raises:
        ValueError: for a label outside `[0, num_classes)`.
    """
    lab = val(labels).astype(np.int64)
    lg = inp(logits)
    n = val(lg).shape[-1]
    if lab.size and (lab.min() < 0 or lab.max() >= n):
        raise ValueError(
            f"Received a label value of {int(lab.max() if lab.max() >= n else lab.min())} "
            f"which is outside the valid range of [0, {n})."
        )
    logp = ops.log_softmax(lg, axis=-1)
    picked = ops.take_along_axis(logp, lab[..., None], axis=-1)
    return out(ops.negative(ops.squeeze(picked, -1)))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """`tf.nn.sigmoid_cross_entropy_with_logits`: `max(x, 0) - x * z + log(1 + exp(-|x|))`."""
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided.")
    z, x = inp(labels), inp(logits)
    return out(
        ops.add(
            ops.subtract(ops.relu(x), ops.multiply(x, z)),
            ops.log1p(ops.exp(ops.negative(ops.abs(x)))),
        )
    )


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """`tf.nn.weighted_cross_entropy_with_logits`: positives weighted by `pos_weight`."""
    z, x = inp(labels), inp(logits)
    q = val(pos_weight)
    log_weight = ops.add(1.0, ops.multiply(q - 1.0, z))
    soft = ops.add(ops.log1p(ops.exp(ops.negative(ops.abs(x)))), ops.relu(ops.negative(x)))
    return out(ops.add(ops.multiply(ops.subtract(1.0, z), x), ops.multiply(log_weight, soft)))


def _spatial(arg, rank: int, name: str):
    """Strides/ksize/dilations given as an int, a list of `rank`, or a full NHWC list."""
    if arg is None:
        return (1,) * rank
    a = [int(v) for v in np.atleast_1d(val(arg))]
    if len(a) == 1:
        return tuple(a) * rank
    if len(a) == rank:
        return tuple(a)
    if len(a) == rank + 2:
        return tuple(a[1:-1])
    raise ValueError(f"`{name}` should have 1, {rank} or {rank + 2} entries. Received: {a}")


def _padding(padding) -> str:
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(
            f"`padding` must be 'SAME' or 'VALID' (explicit paddings are not supported). "
            f"Received: {padding!r}"
        )
    return padding.lower()


def _data_format(data_format: str | None) -> str:
    if data_format is None or data_format.startswith("N") and data_format.endswith("C"):
        return "channels_last"
    return "channels_first"


def convolution(
    input,
    filters,
    strides=None,
    padding="VALID",
    data_format=None,  # noqa: A002
    dilations=None,
    name=None,
):
    """`tf.nn.convolution`: N-D convolution with `filters` of shape `[*spatial, in, out]`."""
    rank = val(input).ndim - 2
    return out(
        ops.conv(
            inp(input),
            inp(filters),
            strides=_spatial(strides, rank, "strides"),
            padding=_padding(padding),
            data_format=_data_format(data_format),
            dilation_rate=_spatial(dilations, rank, "dilations"),
        )
    )


def conv2d(
    input,
    filters,
    strides,
    padding,
    data_format="NHWC",
    dilations=None,  # noqa: A002
    name=None,
):
    """`tf.nn.conv2d`: `input` NHWC, `filters` `[h, w, in, out]`."""
    return convolution(input, filters, strides, padding, data_format, dilations)


def conv1d(
    input,
    filters,
    stride,
    padding,
    data_format="NWC",
    dilations=None,  # noqa: A002
    name=None,
):
    """`tf.nn.conv1d`: `input` NWC, `filters` `[w, in, out]`."""
    return convolution(input, filters, stride, padding, data_format, dilations)


def _pool(op, input, ksize, strides, padding, data_format):  # noqa: A002
    rank = val(input).ndim - 2
    return out(
        op(
            inp(input),
            _spatial(ksize, rank, "ksize"),
            strides=_spatial(strides, rank, "strides"),
            padding=_padding(padding),
            data_format=_data_format(data_format),
        )
    )


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """`tf.nn.max_pool2d`."""
    return _pool(ops.max_pool, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """`tf.nn.avg_pool2d` (SAME padding averages over the valid entries only)."""
    return _pool(ops.average_pool, input, ksize, strides, padding, data_format)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """`tf.nn.max_pool` (1-D to 3-D)."""
    return _pool(ops.max_pool, input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """`tf.nn.avg_pool` (1-D to 3-D)."""
    return _pool(ops.average_pool, input, ksize, strides, padding, data_format)


max_pool1d = max_pool
avg_pool1d = avg_pool


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """`tf.nn.dropout`: zeroes entries with probability `rate`, scales the rest by `1/(1-rate)`.

    Raises:
        ValueError: for a rate outside `[0, 1)`.
    """
    rate = float(val(rate))
    if not 0 <= rate < 1:
        raise ValueError(
            f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}"
        )
    a = inp(x)
    shape = val(a).shape if noise_shape is None else tuple(int(d) for d in val(noise_shape))
    rng = np.random.default_rng(seed) if seed is not None else config.rng()
    keep = (rng.random(shape) >= rate).astype(val(a).dtype) / np.asarray(1 - rate, val(a).dtype)
    return out(ops.multiply(a, keep))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """`tf.nn.moments`: `(mean, variance)` over `axes`."""
    axes = axis_arg(axes)
    mean, variance = ops.moments(
        inp(x), axes=list(axes) if isinstance(axes, tuple) else [axes], keepdims=bool(keepdims)
    )
    return out(mean), out(variance)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """`tf.nn.embedding_lookup`: rows of `params` at `ids`."""
    idx = val(ids).astype(np.int64)
    table = inp(params)
    n = val(table).shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"indices = {int(idx.max())} is not in [0, {n})")
    return out(ops.take(table, idx, axis=0))


def bias_add(value, bias, data_format=None, name=None):
    """`tf.nn.bias_add`: adds `bias` along the channel axis."""
    v = inp(value)
    b = inp(bias)
    if data_format is not None and data_format.startswith("NC"):
        b = ops.reshape(b, (-1,) + (1,) * (val(v).ndim - 2))
    return out(ops.add(v, b))


def l2_loss(t, name=None):
    """`tf.nn.l2_loss`: `sum(t ** 2) / 2`."""
    return out(ops.multiply(ops.sum(ops.square(inp(t))), 0.5))


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """`tf.nn.batch_normalization`: `(x - mean) / sqrt(variance + eps) * scale + offset`."""
    y = ops.multiply(
        ops.subtract(inp(x), inp(mean)), ops.rsqrt(ops.add(inp(variance), variance_epsilon))
    )
    if scale is not None:
        y = ops.multiply(y, inp(scale))
    if offset is not None:
        y = ops.add(y, inp(offset))
    return out(y)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """`tf.nn.compute_average_loss`: the sum over the (global) batch size."""
    loss = inp(per_example_loss)
    if sample_weight is not None:
        loss = ops.multiply(loss, inp(sample_weight))
    n = val(per_example_loss).shape[0] if global_batch_size is None else int(global_batch_size)
    return out(ops.divide(ops.sum(loss), np.asarray(max(n, 1), val(loss).dtype)))


def scale_regularization_loss(regularization_loss):
    """`tf.nn.scale_regularization_loss`: unchanged (one replica)."""
    return out(inp(regularization_loss))


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.nn", name)
