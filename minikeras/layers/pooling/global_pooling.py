"""Global max/average pooling over all spatial axes (1D/2D/3D)."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Abstract global pooling layer.

    Args:
        pool_mode: `"max"` or `"average"`.
        rank: Number of spatial dimensions.
        data_format: `"channels_last"` or `"channels_first"`.
        keepdims: Whether to keep the spatial axes (with size 1).
    """

    def __init__(self, pool_mode, rank, data_format=None, keepdims=False, **kwargs):
        data_format = sa.pop_dim_ordering(kwargs, type(self).__name__, data_format)
        super().__init__(**kwargs)
        self.pool_mode = pool_mode
        self.rank = rank
        self.data_format = sa.standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.supports_masking = rank == 1 and pool_mode == "average"
        self.built = True

    def call(self, inputs, mask=None):
        sa.check_ndim(self, ops.shape(inputs), self.rank + 2)
        axes = sa.spatial_axes(self.data_format, self.rank + 2)
        if self.pool_mode == "max":
            return ops.max(inputs, axis=axes, keepdims=self.keepdims)
        if mask is not None:  # GlobalAveragePooling1D averages over unmasked steps only
            m = ops.cast(mask, ops.dtype(inputs))
            m = ops.expand_dims(m, 1 if self.data_format == "channels_first" else -1)
            total = ops.sum(ops.multiply(inputs, m), axis=axes, keepdims=self.keepdims)
            return ops.divide(total, ops.sum(m, axis=axes, keepdims=self.keepdims))
        return ops.mean(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        sa.check_ndim(self, input_shape, self.rank + 2)
        axes = sa.spatial_axes(self.data_format, self.rank + 2)
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg


def _global_class(name: str, rank: int, mode: str):
    doc = (
        f"Global {mode} pooling over the {rank} spatial axes.\n\n    Args:\n"
        '        data_format: `"channels_last"` (default) or `"channels_first"`.\n'
        "        keepdims: Whether to keep the pooled axes with size 1.\n    "
    )

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        BaseGlobalPooling.__init__(self, mode, rank, data_format, keepdims, **kwargs)

    return type(
        name, (BaseGlobalPooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    )


GlobalMaxPooling1D = _global_class("GlobalMaxPooling1D", 1, "max")
GlobalMaxPooling2D = _global_class("GlobalMaxPooling2D", 2, "max")
GlobalMaxPooling3D = _global_class("GlobalMaxPooling3D", 3, "max")
GlobalAveragePooling1D = _global_class("GlobalAveragePooling1D", 1, "average")
GlobalAveragePooling2D = _global_class("GlobalAveragePooling2D", 2, "average")
GlobalAveragePooling3D = _global_class("GlobalAveragePooling3D", 3, "average")
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
)
