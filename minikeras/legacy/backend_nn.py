"""More Keras 2 `keras.backend` functions: the ones custom layers of that era call.

`in_train_phase`, `bias_add`, `dropout`, `conv1d`/`conv2d`, `pool2d`,
`batch_normalization`, state updates and the functional loops, each composed
from `minikeras.ops` (so they are differentiable wherever the ops are).
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.backend.variable import Variable

# ----------------------------------------------------------------------------- phases


def in_train_phase(x, alt, training=None):
    """`x` in the training phase, `alt` otherwise (callables are called).

    Args:
        x: What to return when training.
        alt: What to return otherwise.
        training: True/False/1/0; None uses the current call's flag, then the
            learning phase set with `K.set_learning_phase`.
    """
    if training is None:
        from minikeras.layers import call_context
        from minikeras.legacy.backend import _learning_phase

        training = call_context.training()
        if training is None:
            training = _learning_phase[0]
    chosen = x if bool(training) else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    """`x` outside training, `alt` when training."""
    return in_train_phase(alt, x, training=training)


def dropout(x, level, noise_shape=None, seed=None):
    """Sets entries to zero with probability `level` and scales the rest by `1 / (1 - level)`."""
    if not 0 <= level < 1:
        raise ValueError(f"`level` must be in [0, 1). Received: level={level}")
    rng = config.rng() if seed is None else np.random.default_rng(int(seed))
    shape = np.shape(value_of(x)) if noise_shape is None else tuple(noise_shape)
    keep = (rng.random(shape) >= level).astype(np.asarray(value_of(x)).dtype)
    return ops.multiply(x, keep / (1.0 - level))


# ----------------------------------------------------------------------------- layers' maths


def bias_add(x, bias, data_format=None):
    """Adds `bias` along the channel axis (last, or 1 for `channels_first`)."""
    data_format = config.standardize_data_format(data_format)
    nd = np.ndim(value_of(x))
    if data_format == "channels_first" and nd > 2:
        shape = (1, -1) + (1,) * (nd - 2)
        return ops.add(x, ops.reshape(bias, shape))
    return ops.add(x, bias)


def _channels(data_format):
    return config.standardize_data_format(data_format)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution (`kernel` of shape `(width, in, out)`)."""
    return ops.conv(
        x,
        kernel,
        strides=strides,
        padding=padding,
        data_format=_channels(data_format),
        dilation_rate=dilation_rate,
    )


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2-D convolution (`kernel` of shape `(rows, cols, in, out)`)."""
    return ops.conv(
        x,
        kernel,
        strides=strides,
        padding=padding,
        data_format=_channels(data_format),
        dilation_rate=dilation_rate,
    )


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max or average pooling (`pool_mode` `"max"` or `"avg"`)."""
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pool_mode: {pool_mode}. Expected 'max' or 'avg'.")
    fn = ops.max_pool if pool_mode == "max" else ops.average_pool
    return fn(x, pool_size, strides=strides, padding=padding, data_format=_channels(data_format))


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """`gamma * (x - mean) / sqrt(var + epsilon) + beta`."""
    return ops.batch_normalization(
        x, mean, var, axis=axis, offset=beta, scale=gamma, epsilon=epsilon
    )


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably."""
    return ops.logsumexp(x, axis=axis, keepdims=keepdims)


def reverse(x, axes):
    """Reverses `x` along `axes` (an int or a list)."""
    return ops.flip(x, axis=tuple(axes) if isinstance(axes, (list, tuple)) else axes)


def repeat(x, n):
    """`(batch, dim)` → `(batch, n, dim)`, as Keras 2's `K.repeat`."""
    if np.ndim(value_of(x)) != 2:
        raise ValueError(f"`K.repeat` expects a 2-D input. Received shape {np.shape(value_of(x))}")
    return ops.repeat(ops.expand_dims(x, 1), n, axis=1)


def arange(start, stop=None, step=1, dtype="int32"):
    """Evenly spaced integers (`int32` by default, as Keras 2)."""
    return np.arange(start, stop, step, dtype=dtype)


def cumprod(x, axis=0):
    """Cumulative product along `axis`."""
    return ops.cumprod(x, axis=axis)


def temporal_padding(x, padding=(1, 1)):
    """Pads the middle (time) axis of a 3-D tensor with zeros."""
    return ops.pad(x, [(0, 0), tuple(padding), (0, 0)])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Pads the two spatial axes of a 4-D tensor with zeros."""
    pads = [tuple(padding[0]), tuple(padding[1])]
    if _channels(data_format) == "channels_first":
        return ops.pad(x, [(0, 0), (0, 0), *pads])
    return ops.pad(x, [(0, 0), *pads, (0, 0)])


# ----------------------------------------------------------------------------- state


def _variable(x, name):
    if not isinstance(x, Variable):
        raise TypeError(f"`K.{name}` updates a variable in place. Received: {type(x).__name__}")
    return x


def update(x, new_x):
    """Assigns `new_x` to the variable `x`; returns `x`."""
    _variable(x, "update").assign(np.asarray(value_of(new_x), dtype=x.dtype))
    return x


def update_add(x, increment):
    """Adds `increment` to the variable `x`; returns `x`."""
    _variable(x, "update_add").assign_add(value_of(increment))
    return x


def update_sub(x, decrement):
    """Subtracts `decrement` from the variable `x`; returns `x`."""
    _variable(x, "update_sub").assign_sub(value_of(decrement))
    return x


def moving_average_update(x, value, momentum):
    """`x = x * momentum + value * (1 - momentum)`; returns `x`."""
    v = np.asarray(value_of(value), dtype=_variable(x, "moving_average_update").dtype)
    x.assign(x.value * momentum + v * (1 - momentum))
    return x


def get_variable_shape(x) -> tuple:
    """Shape of a variable (Keras 2 name of `int_shape`)."""
    return tuple(np.shape(value_of(x)))


def is_sparse(tensor) -> bool:
    """Always False: minikeras has no sparse tensors."""
    return False


def to_dense(tensor):
    """Returns `tensor` unchanged (minikeras has no sparse tensors)."""
    return tensor


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples re-drawn until within two standard deviations of the mean."""
    rng = config.rng() if seed is None else np.random.default_rng(int(seed))
    out = rng.normal(mean, stddev, size=tuple(shape))
    bad = np.abs(out - mean) > 2 * stddev
    while bad.any():
        out[bad] = rng.normal(mean, stddev, size=int(bad.sum()))
        bad = np.abs(out - mean) > 2 * stddev
    return out.astype(dtype or config.floatx())


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable filled from `U[low, high)`."""
    from minikeras.legacy.backend import random_uniform, variable

    return variable(random_uniform(shape, low, high, dtype, seed), dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable filled from `N(mean, scale^2)`."""
    from minikeras.legacy.backend import random_normal, variable

    return variable(random_normal(shape, mean, scale, dtype, seed), dtype=dtype, name=name)


# ----------------------------------------------------------------------------- loops


def map_fn(fn, elems, name=None, dtype=None):
    """Applies `fn` to each element of `elems` along axis 0 and stacks the results."""
    return ops.map(fn, elems)


def foldl(fn, elems, initializer=None, name=None):
    """Left fold: `acc = fn(acc, x)` over the elements of `elems` along axis 0."""
    n = np.shape(value_of(elems))[0]
    start = 0
    acc = initializer
    if acc is None:
        acc, start = ops.getitem(elems, 0), 1
    for i in range(start, n):
        acc = fn(acc, ops.getitem(elems, i))
    return acc


def foldr(fn, elems, initializer=None, name=None):
    """Right fold: `acc = fn(acc, x)` from the last element of `elems` to the first."""
    return foldl(fn, ops.flip(elems, axis=0), initializer=initializer, name=name)
