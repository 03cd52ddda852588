"""`DepthwiseConv1D`, `DepthwiseConv2D`: one (or `depth_multiplier`) filter per channel."""

from __future__ import annotations

from minikeras import activations, ops
from minikeras.layers.convolutional.base_conv import BaseConv, translate_legacy
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import (
    add_bias_weight,
    add_role_weight,
    role_config,
    set_weight_role,
)

# tf_keras configs of depthwise/separable layers also carry these (unused) Conv keys.
_TF_KERAS_EXTRA = ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint")


def pop_tf_keras_extras(kwargs: dict, layer: str) -> None:
    for key in _TF_KERAS_EXTRA:
        value = kwargs.pop(key, None)
        if key == "groups" and value not in (None, 1):
            raise ValueError(f"{layer} does not support groups. Received: groups={value}")


class BaseDepthwiseConv(BaseConv):
    """Abstract depthwise convolution; kernel `(*kernel_size, channels, depth_multiplier)`.

    Args:
        rank: Number of spatial dimensions.
        kernel_size, strides, padding, data_format, dilation_rate: As in `Conv2D`.
        depth_multiplier: Output channels per input channel.
        activation, use_bias: As in `Conv2D`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: For the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: As in `Conv2D`.
    """

    def __init__(
        self,
        rank,
        kernel_size=None,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        name = type(self).__name__
        pop_tf_keras_extras(kwargs, name)
        kwargs.pop("filters", None)
        values = translate_legacy(
            kwargs,
            name,
            dict(
                kernel_size=kernel_size,
                strides=strides,
                padding=padding,
                data_format=data_format,
                dilation_rate=dilation_rate,
                use_bias=use_bias,
            ),
        )
        values.pop("filters", None)
        values.pop("kernel_initializer", None)
        super().__init__(
            rank,
            1,
            activation=activation,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint,
            activity_regularizer=activity_regularizer,
            **values,
            **kwargs,
        )
        self.depth_multiplier = int(depth_multiplier)
        if self.depth_multiplier <= 0:
            raise ValueError(
                f"Invalid value for argument `depth_multiplier`. Expected a strictly positive "
                f"value. Received depth_multiplier={depth_multiplier}."
            )
        set_weight_role(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._channels = channels
        self.kernel = add_role_weight(
            self, "depthwise", (*self.kernel_size, channels, self.depth_multiplier), name="kernel"
        )
        add_bias_weight(self, channels * self.depth_multiplier)
        self.built = True

    def _convolve(self, inputs):
        return ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def compute_output_shape(self, input_shape):
        self._channels = self._input_channels(input_shape)
        return super().compute_output_shape(input_shape)

    def _out_channels(self) -> int:
        return self._channels * self.depth_multiplier

    def get_config(self) -> dict:
        cfg = Layer.get_config(self)
        cfg.update(
            {
                "depth_multiplier": self.depth_multiplier,
                **self._window_config(),
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("depthwise", "bias")),
            }
        )
        return cfg


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution. Arguments as in `DepthwiseConv2D`."""

    def __init__(
        self,
        kernel_size=None,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        **kwargs,
    ):
        super().__init__(
            1, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, **kwargs
        )


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution: each input channel gets `depth_multiplier` own filters.

    Output channel `c * depth_multiplier + m` is input channel `c` convolved
    with `kernel[..., c, m]`.

    Args:
        kernel_size: Int or tuple of 2 ints.
        strides, padding, data_format, dilation_rate: As in `Conv2D`.
        depth_multiplier: Output channels per input channel.
        activation, use_bias, depthwise_initializer, ...: See `BaseDepthwiseConv`.
    """

    def __init__(
        self,
        kernel_size=None,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        **kwargs,
    ):
        super().__init__(
            2, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, **kwargs
        )
