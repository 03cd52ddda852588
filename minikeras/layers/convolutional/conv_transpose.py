"""`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose` (a.k.a. deconvolution)."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.convolutional.base_conv import BaseConv, translate_legacy
from minikeras.layers.weight_roles import add_bias_weight, add_role_weight
from minikeras.ops.conv_transpose import conv_transpose_length


class BaseConvTranspose(BaseConv):
    """Abstract transposed convolution; kernel shape `(*kernel_size, filters, in_channels)`.

    Args:
        rank: Number of spatial dimensions.
        filters: Number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: As in `Conv2D`.
        output_padding: None or int/tuple: extra size added at the end of each
            spatial output axis (must be smaller than the stride).
        activation, use_bias, *_initializer, *_regularizer, *_constraint: As in `Conv2D`.
    """

    def __init__(
        self,
        rank,
        filters=None,
        kernel_size=None,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        **kwargs,
    ):
        name = type(self).__name__
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
            ),
        )
        groups = kwargs.pop("groups", 1)  # tf_keras configs carry groups=1
        if groups not in (1, None):
            raise ValueError(f"{name} does not support groups. Received: groups={groups}")
        super().__init__(rank, **values, **kwargs)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = sa.standardize_tuple(
                output_padding, rank, "output_padding", allow_zero=True
            )
            for p, s in zip(self.output_padding, self.strides):
                if p >= s:
                    raise ValueError(
                        f"Strides {self.strides} must be greater than output padding "
                        f"{self.output_padding}."
                    )

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = add_role_weight(self, "kernel", (*self.kernel_size, self.filters, channels))
        add_bias_weight(self, self.filters)
        self.built = True

    def _convolve(self, inputs):
        return ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _spatial_output(self, spatial):
        ops_ = self.output_padding or (None,) * self.rank
        return [
            conv_transpose_length(n, k, s, d, self.padding, o)
            for n, k, s, d, o in zip(
                spatial, self.kernel_size, self.strides, self.dilation_rate, ops_
            )
        ]

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["groups"]
        out = {}
        for key, value in cfg.items():
            out[key] = value
            if key == "padding":
                out["output_padding"] = self.output_padding
        return out


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution layer. Arguments as in `Conv2DTranspose`."""

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        **kwargs,
    ):
        super().__init__(
            1,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            **kwargs,
        )


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution layer (the gradient of `Conv2D` w.r.t. its input).

    Args:
        filters: Number of output channels.
        kernel_size: Int or tuple of 2 ints.
        strides: Int or tuple of 2 ints (the upsampling factor).
        padding: `"valid"` or `"same"` (`"same"` with stride s gives `size * s`).
        output_padding: None or int/tuple of 2 ints, each smaller than the stride.
        data_format, dilation_rate, activation, use_bias, ...: As in `Conv2D`.
    """

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=(1, 1),
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1),
        **kwargs,
    ):
        super().__init__(
            2,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            **kwargs,
        )


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution layer. Arguments as in `Conv2DTranspose`."""

    def __init__(
        self,
        filters=None,
        kernel_size=None,
        strides=(1, 1, 1),
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1, 1),
        **kwargs,
    ):
        super().__init__(
            3,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            **kwargs,
        )


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
Deconvolution2D = Conv2DTranspose
Deconvolution3D = Conv3DTranspose
