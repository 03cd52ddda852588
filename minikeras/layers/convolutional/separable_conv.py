"""`SeparableConv1D`, `SeparableConv2D`: depthwise then pointwise (1x1) convolution."""

from __future__ import annotations

from minikeras import activations, ops
from minikeras.layers.convolutional.base_conv import BaseConv, translate_legacy
from minikeras.layers.convolutional.depthwise_conv import pop_tf_keras_extras
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import (
    add_bias_weight,
    add_role_weight,
    role_config,
    set_weight_role,
)


class BaseSeparableConv(BaseConv):
    """Abstract separable convolution.

    Weights: `depthwise_kernel` `(*kernel_size, channels, depth_multiplier)`,
    `pointwise_kernel` `(*[1] * rank, channels * depth_multiplier, filters)`, `bias`.

    Args:
        rank: Number of spatial dimensions.
        filters: Number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: As in `Conv2D`.
        depth_multiplier: Depthwise output channels per input channel.
        activation, use_bias: As in `Conv2D`.
        depthwise_*/pointwise_*/bias_* initializers, regularizers, constraints.
    """

    def __init__(
        self,
        rank,
        filters=None,
        kernel_size=None,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        name = type(self).__name__
        pop_tf_keras_extras(kwargs, name)
        values = translate_legacy(
            kwargs,
            name,
            dict(
                filters=filters,
                kernel_size=kernel_size,
                strides=strides,
                padding=padding,
                data_format=data_format,
                dilation_rate=dilation_rate,
                use_bias=use_bias,
            ),
        )
        values.pop("kernel_initializer", None)
        super().__init__(
            rank,
            activation=activation,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint,
            activity_regularizer=activity_regularizer,
            **values,
            **kwargs,
        )
        self.depth_multiplier = int(depth_multiplier)
        set_weight_role(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        set_weight_role(
            self, "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = add_role_weight(
            self,
            "depthwise",
            (*self.kernel_size, channels, self.depth_multiplier),
            name="depthwise_kernel",
        )
        self.pointwise_kernel = add_role_weight(
            self,
            "pointwise",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            name="pointwise_kernel",
        )
        add_bias_weight(self, self.filters)
        self.built = True

    def _convolve(self, inputs):
        return ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def get_config(self) -> dict:
        cfg = Layer.get_config(self)
        cfg.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "filters": self.filters,
                **self._window_config(),
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("depthwise", "pointwise", "bias")),
            }
        )
        return cfg


class SeparableConv1D(BaseSeparableConv):
    """1D separable convolution. Arguments as in `SeparableConv2D`."""

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        **kwargs,
    ):
        super().__init__(
            1,
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            depth_multiplier,
            **kwargs,
        )


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution: a depthwise convolution then a 1x1 convolution.

    Args:
        filters: Number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: As in `Conv2D`
            (they apply to the depthwise step).
        depth_multiplier: Depthwise output channels per input channel.
        activation, use_bias, ...: See `BaseSeparableConv`.
    """

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        depth_multiplier=1,
        **kwargs,
    ):
        super().__init__(
            2,
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            depth_multiplier,
            **kwargs,
        )


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
