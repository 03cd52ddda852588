"""`BaseConv`: shared code of Conv1D/2D/3D (arguments, weights, shapes, config)."""

from __future__ import annotations

from minikeras import activations, ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import (
    add_bias_weight,
    add_role_weight,
    role_config,
    set_weight_role,
)
from minikeras.legacy.arguments import renamed_argument
from minikeras.ops import conv_utils
from minikeras.ops.conv import conv_bias

# Keras 1 argument name -> Keras 3 name, for every convolution layer.
_KERAS1_NAMES = (
    ("nb_filter", "filters"),
    ("filter_length", "kernel_size"),
    ("subsample", "strides"),
    ("subsample_length", "strides"),
    ("atrous_rate", "dilation_rate"),
    ("init", "kernel_initializer"),
    ("W_regularizer", "kernel_regularizer"),
    ("b_regularizer", "bias_regularizer"),
    ("W_constraint", "kernel_constraint"),
    ("b_constraint", "bias_constraint"),
    ("bias", "use_bias"),
)
_KERAS1_MARKERS = (
    "border_mode",
    "subsample",
    "init",
    "dim_ordering",
    "W_regularizer",
    "b_regularizer",
    "nb_row",
    "nb_col",
    "nb_filter",
    "bias",
)


def translate_legacy(kwargs: dict, layer: str, values: dict) -> dict:
    """Maps Keras 1 keyword arguments (with DeprecationWarnings) onto `values`."""
    for old, new in _KERAS1_NAMES:
        if old in kwargs:
            values[new] = renamed_argument(kwargs, old, new, values.get(new), owner=layer)
    if "nb_row" in kwargs or "nb_col" in kwargs:
        ks = values.get("kernel_size")
        row = renamed_argument(kwargs, "nb_row", "kernel_size", ks, owner=layer)
        col = renamed_argument(kwargs, "nb_col", "kernel_size", ks, owner=layer)
        values["kernel_size"] = (row, col)
    for dim in ("kernel_dim1", "kernel_dim2", "kernel_dim3"):
        if dim in kwargs:
            raise ValueError(
                f"{layer}: Keras 1 argument `{dim}` is not supported as a keyword; pass "
                "`kernel_size=(d1, d2, d3)` instead."
            )
    if "padding" in values:
        values["padding"] = sa.pop_border_mode(kwargs, layer, values["padding"])
    values["data_format"] = sa.pop_dim_ordering(kwargs, layer, values.get("data_format"))
    return values


def is_keras1_call(kwargs: dict) -> bool:
    return any(k in kwargs for k in _KERAS1_MARKERS)


class BaseConv(Layer):
    """Abstract N-D convolution layer: `activation(conv(inputs, kernel) + bias)`.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Number of output channels.
        kernel_size: Int or tuple of `rank` ints.
        strides: Int or tuple of `rank` ints.
        padding: `"valid"`, `"same"` (or `"causal"` for rank 1).
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of `rank` ints.
        groups: Number of channel groups (input and output channels must divide by it).
        activation, use_bias, *_initializer, *_regularizer, *_constraint: As in `Dense`.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if filters is None or int(filters) != filters or filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        self.filters = int(filters)
        self.groups = int(groups or 1)
        if self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        if kernel_size is None:
            raise ValueError(f"{type(self).__name__}: the `kernel_size` argument is required.")
        self.kernel_size = sa.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = sa.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = sa.standardize_tuple(dilation_rate, rank, "dilation_rate")
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self.padding = sa.standardize_padding(padding, allowed)
        self.data_format = sa.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    # ------------------------------------------------------------------ weights

    def _input_channels(self, input_shape) -> int:
        sa.check_ndim(self, input_shape, self.rank + 2)
        channels = input_shape[sa.channel_axis(self.data_format, self.rank + 2)]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to {type(self).__name__} layer "
                f"'{self.name}' should be defined. Found None. Full input shape received: "
                f"{tuple(input_shape)}"
            )
        return int(channels)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {channels} "
                f"channels (full input shape is {tuple(input_shape)})."
            )
        self.kernel = add_role_weight(
            self, "kernel", (*self.kernel_size, channels // self.groups, self.filters)
        )
        add_bias_weight(self, self.filters)
        self.built = True

    # ------------------------------------------------------------------ call

    def _add_bias(self, outputs, bias=None):
        bias = self.bias if bias is None else bias
        if bias is None:
            return outputs
        if self.data_format == "channels_first":
            bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
        return ops.add(outputs, bias)

    def _causal_pad(self, inputs):
        left = conv_utils.effective_size(self.kernel_size[0], self.dilation_rate[0]) - 1
        axis = 2 if self.data_format == "channels_first" else 1
        widths = [(0, 0)] * 3
        widths[axis] = (left, 0)
        return ops.pad(inputs, widths)

    def _convolve(self, inputs, bias=None):
        """The layer's convolution of `inputs` (before activation; bias only if given)."""
        padding = self.padding
        if padding == "causal":
            inputs, padding = self._causal_pad(inputs), "valid"
        if bias is not None:  # one node, the bias folded into the products
            return conv_bias(
                inputs,
                self.kernel,
                bias,
                strides=self.strides,
                padding=padding,
                data_format=self.data_format,
                dilation_rate=self.dilation_rate,
            )
        return ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def call(self, inputs):
        sa.check_ndim(self, ops.shape(inputs), self.rank + 2)
        if self.bias is not None and type(self)._convolve is BaseConv._convolve:
            outputs = self._convolve(inputs, self.bias)  # plain convolutions: fused bias
        else:
            outputs = self._add_bias(self._convolve(inputs))
        return outputs if self.activation is None else self.activation(outputs)

    def _spatial_output(self, spatial):
        # Causal padding keeps the length like "same" (it only pads on the left).
        padding = "same" if self.padding == "causal" else self.padding
        out = [
            conv_utils.output_length(n, k, s, d, padding)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        ]
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"Computed output size would be negative or zero for layer '{self.name}': "
                f"spatial input {tuple(spatial)}, kernel_size={self.kernel_size}, "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}, "
                f"padding='{self.padding}'. Use a smaller kernel or padding='same'."
            )
        return out

    def _out_channels(self) -> int:
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        sa.check_ndim(self, input_shape, self.rank + 2)
        if self.data_format == "channels_first":
            return (input_shape[0], self._out_channels(), *self._spatial_output(input_shape[2:]))
        return (input_shape[0], *self._spatial_output(input_shape[1:-1]), self._out_channels())

    # ------------------------------------------------------------------ config

    def _window_config(self) -> dict:
        """Config entries of the sliding window, in Keras' order."""
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "filters": self.filters,
                **self._window_config(),
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("kernel", "bias")),
            }
        )
        return cfg
