"""`Conv1D`, `Conv2D`, `Conv3D` and their Keras 1 spellings `Convolution1D/2D/3D`."""

from __future__ import annotations

import warnings

from minikeras.layers.convolutional.base_conv import BaseConv, is_keras1_call, translate_legacy


def _warn_positional(name: str, old: str) -> None:
    warnings.warn(
        f"Keras 1 positional kernel sizes ({old}) in {name} are deprecated; use "
        f"`{name}(filters, kernel_size=(...))` instead.",
        DeprecationWarning,
        stacklevel=4,
    )


def _conv_init(layer, rank, values: dict, kwargs: dict) -> None:
    """Resolves Keras 1 spellings in `values`/`kwargs`, then calls `BaseConv.__init__`."""
    values = {k: v for k, v in values.items() if k not in ("self", "kwargs", "__class__")}
    name = type(layer).__name__
    kernel_size, strides, padding = values["kernel_size"], values["strides"], values["padding"]
    if layer._keras1_positional or is_keras1_call(kwargs):
        # Keras 1: Convolution2D(nb_filter, nb_row, nb_col) and
        # Convolution3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3) positionally.
        if rank == 2 and isinstance(kernel_size, int) and isinstance(strides, int):
            _warn_positional(name, "nb_row, nb_col")
            values.update(kernel_size=(kernel_size, strides), strides=1)
        elif (
            rank == 3
            and isinstance(kernel_size, int)
            and isinstance(strides, int)
            and isinstance(padding, int)
        ):
            _warn_positional(name, "kernel_dim1, kernel_dim2, kernel_dim3")
            values.update(kernel_size=(kernel_size, strides, padding), strides=1, padding="valid")
    values = translate_legacy(kwargs, name, values)
    BaseConv.__init__(layer, rank, **values, **kwargs)


class Conv1D(BaseConv):
    """1D convolution layer (temporal convolution).

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 1 int.
        strides: Int or tuple of 1 int.
        padding: `"valid"`, `"same"` or `"causal"` (left padding, for
            autoregressive models).
        data_format, dilation_rate, groups, activation, use_bias, ...: See `Conv2D`.

    Example:
        >>> Conv1D(32, 3, activation="relu")(np.zeros((4, 10, 128))).shape
        (4, 8, 32)
    """

    _keras1_positional = False

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        _conv_init(self, 1, locals(), kwargs)


class Conv2D(BaseConv):
    """2D convolution layer (spatial convolution over images).

    Input `(batch, rows, cols, channels)` (channels_last) or
    `(batch, channels, rows, cols)` (channels_first). Kernel
    `(*kernel_size, channels // groups, filters)`.

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 2 ints.
        strides: Int or tuple of 2 ints.
        padding: `"valid"` or `"same"` (the odd extra padding goes bottom/right).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: Int or tuple of 2 ints.
        groups: Number of channel groups.
        activation: Activation function or name.
        use_bias: Whether to add a bias vector.
        kernel_initializer, bias_initializer: Initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: Regularizers.
        kernel_constraint, bias_constraint: Constraints.
        **kwargs: Base layer arguments; Keras 1 names (`nb_filter`, `nb_row`,
            `nb_col`, `subsample`, `border_mode`, `dim_ordering`, `init`,
            `W_regularizer`, ...) are translated with a DeprecationWarning.
    """

    _keras1_positional = False

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        _conv_init(self, 2, locals(), kwargs)


class Conv3D(BaseConv):
    """3D convolution layer (convolution over volumes). Arguments as in `Conv2D`."""

    _keras1_positional = False

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1, 1),
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        _conv_init(self, 3, locals(), kwargs)


def _keras1_alias(base, alias):
    """A subclass that reads Keras 1 positional arguments; it reports `base`'s name."""
    cls = type(
        alias,
        (base,),
        {
            "_keras1_positional": True,
            "__doc__": f"Keras 1 spelling of `{base.__name__}`: `{alias}(nb_filter, nb_row, "
            f"nb_col, ...)` positional kernel sizes are accepted.",
            "__module__": base.__module__,
        },
    )
    cls.__name__ = cls.__qualname__ = base.__name__
    return cls


Convolution1D = Conv1D
Convolution2D = _keras1_alias(Conv2D, "Convolution2D")
Convolution3D = _keras1_alias(Conv3D, "Convolution3D")
# Keras 1 dilated convolutions: `atrous_rate` maps to `dilation_rate`.
AtrousConvolution1D = Conv1D
AtrousConvolution2D = _keras1_alias(Conv2D, "AtrousConvolution2D")
