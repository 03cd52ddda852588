"""`UpSampling1D`, `UpSampling2D`, `UpSampling3D`: repeat (or interpolate) along space."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer
from minikeras.legacy.arguments import renamed_argument
from minikeras.ops.image import resize_axes


class _BaseUpSampling(Layer):
    rank = 2

    def __init__(self, size, data_format=None, interpolation="nearest", **kwargs):
        name = type(self).__name__
        if self.rank == 1:
            size = renamed_argument(kwargs, "length", "size", size, owner=name)
        data_format = sa.pop_dim_ordering(kwargs, name, data_format)
        super().__init__(**kwargs)
        self.size = sa.standardize_tuple(size, self.rank, "size")
        self.data_format = (
            "channels_last" if self.rank == 1 else sa.standardize_data_format(data_format)
        )
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(
                "`interpolation` argument should be one of: ['nearest', 'bilinear']. "
                f"Received: interpolation={interpolation}"
            )
        self.interpolation = interpolation
        self.built = True

    def call(self, inputs):
        sa.check_ndim(self, ops.shape(inputs), self.rank + 2)
        axes = sa.spatial_axes(self.data_format, self.rank + 2)
        if self.interpolation == "bilinear":
            shape = ops.shape(inputs)
            return resize_axes(
                inputs, [shape[a] * s for a, s in zip(axes, self.size)], axes, "bilinear"
            )
        out = inputs
        for axis, s in zip(axes, self.size):
            if s != 1:
                out = ops.repeat(out, s, axis=axis)
        return out

    def compute_output_shape(self, input_shape):
        input_shape = list(input_shape)
        sa.check_ndim(self, input_shape, self.rank + 2)
        for axis, s in zip(sa.spatial_axes(self.data_format, self.rank + 2), self.size):
            if input_shape[axis] is not None:
                input_shape[axis] *= s
        return tuple(input_shape)


class UpSampling1D(_BaseUpSampling):
    """Repeats each temporal step `size` times along the time axis.

    Args:
        size: Int, the upsampling factor.
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, **kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["size"] = self.size[0]
        return cfg


class UpSampling2D(_BaseUpSampling):
    """Upsamples rows and columns by `size`.

    Args:
        size: Int or tuple of 2 ints, the factors for rows and columns.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        interpolation: `"nearest"` (repeat) or `"bilinear"` (half-pixel centres).
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "size": self.size,
                "data_format": self.data_format,
                "interpolation": self.interpolation,
            }
        )
        return cfg


class UpSampling3D(_BaseUpSampling):
    """Repeats the three spatial axes by `size`.

    Args:
        size: Int or tuple of 3 ints.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, "nearest", **kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"size": self.size, "data_format": self.data_format})
        return cfg
