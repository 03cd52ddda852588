"""`BasePooling` and the Max/AveragePooling1D/2D/3D layers."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer
from minikeras.legacy.arguments import renamed_argument
from minikeras.ops import conv_utils


class BasePooling(Layer):
    """Abstract N-D pooling layer.

    Args:
        pool_size: Int or tuple of `rank` ints, the window size.
        pool_mode: `"max"` or `"average"`.
        rank: Number of spatial dimensions.
        strides: Int or tuple of ints; None means `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    def __init__(
        self, pool_size, strides, pool_mode, rank, padding="valid", data_format=None, **kwargs
    ):
        name = type(self).__name__
        pool_size = renamed_argument(kwargs, "pool_length", "pool_size", pool_size, owner=name)
        strides = renamed_argument(kwargs, "stride", "strides", strides, owner=name)
        padding = sa.pop_border_mode(kwargs, name, padding)
        data_format = sa.pop_dim_ordering(kwargs, name, data_format)
        super().__init__(**kwargs)
        self.rank = rank
        self.pool_mode = pool_mode
        self.pool_size = sa.standardize_tuple(pool_size, rank, "pool_size")
        self.strides = (
            self.pool_size if strides is None else sa.standardize_tuple(strides, rank, "strides")
        )
        self.padding = sa.standardize_padding(padding)
        self.data_format = sa.standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        sa.check_ndim(self, ops.shape(inputs), self.rank + 2)
        fn = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return fn(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        sa.check_ndim(self, input_shape, self.rank + 2)
        first = self.data_format == "channels_first"
        spatial = input_shape[2:] if first else input_shape[1:-1]
        out = [
            conv_utils.output_length(n, k, s, 1, self.padding)
            for n, k, s in zip(spatial, self.pool_size, self.strides)
        ]
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"Computed output size would be negative for layer '{self.name}': input shape "
                f"{input_shape}, pool_size={self.pool_size}, strides={self.strides}, "
                f"padding='{self.padding}'."
            )
        if first:
            return (input_shape[0], input_shape[1], *out)
        return (input_shape[0], *out, input_shape[-1])

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return cfg


def _pool_class(name: str, rank: int, mode: str, doc: str):
    default_size = (2,) * rank if rank > 1 else 2

    def __init__(
        self,
        pool_size=default_size,
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        BasePooling.__init__(
            self, pool_size, strides, mode, rank, padding, data_format, name=name, **kwargs
        )

    __init__.__doc__ = doc
    return type(
        name, (BasePooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    )


_DOC = """{mode} pooling over {rank}D windows.

    Args:
        pool_size: Int or tuple of {rank} ints (default 2).
        strides: Int or tuple of {rank} ints (default `pool_size`).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

MaxPooling1D = _pool_class("MaxPooling1D", 1, "max", _DOC.format(mode="Max", rank=1))
MaxPooling2D = _pool_class("MaxPooling2D", 2, "max", _DOC.format(mode="Max", rank=2))
MaxPooling3D = _pool_class("MaxPooling3D", 3, "max", _DOC.format(mode="Max", rank=3))
AveragePooling1D = _pool_class(
    "AveragePooling1D", 1, "average", _DOC.format(mode="Average", rank=1)
)
AveragePooling2D = _pool_class(
    "AveragePooling2D", 2, "average", _DOC.format(mode="Average", rank=2)
)
AveragePooling3D = _pool_class(
    "AveragePooling3D", 3, "average", _DOC.format(mode="Average", rank=3)
)
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
