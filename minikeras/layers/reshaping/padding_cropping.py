"""`ZeroPadding1D/2D/3D` and `Cropping1D/2D/3D`: add or remove borders of the spatial axes."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer


def _pairs(value, rank: int, name: str) -> tuple:
    """Keras' forms: int, `rank` ints (symmetric) or `rank` pairs → `rank` pairs."""
    if isinstance(value, int):
        pairs = ((value, value),) * rank
    elif rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        pairs = (tuple(value),)
    elif len(value) == rank and all(isinstance(v, int) for v in value):
        pairs = tuple((v, v) for v in value)
    elif len(value) == rank:
        pairs = tuple(
            sa.standardize_tuple(v, 2, f"{name}[{i}]", allow_zero=True) for i, v in enumerate(value)
        )
    else:
        raise ValueError(
            f"`{name}` should be an int, a tuple of {rank} ints or a tuple of {rank} tuples "
            f"of 2 ints. Received: {name}={value}"
        )
    if any(a < 0 or b < 0 for a, b in pairs):
        raise ValueError(f"`{name}` values must be non-negative. Received: {name}={value}")
    return tuple(tuple(int(v) for v in p) for p in pairs)


class _BaseBorder(Layer):
    rank = 2
    arg = "padding"

    def __init__(self, value, data_format=None, **kwargs):
        data_format = sa.pop_dim_ordering(kwargs, type(self).__name__, data_format)
        super().__init__(**kwargs)
        setattr(self, self.arg, _pairs(value, self.rank, self.arg))
        self.data_format = sa.standardize_data_format(data_format)
        self.built = True

    def _axes(self):
        return sa.spatial_axes(self.data_format, self.rank + 2)

    def get_config(self) -> dict:
        cfg = super().get_config()
        pairs = getattr(self, self.arg)
        cfg[self.arg] = pairs[0] if self.rank == 1 else pairs
        if not (self.rank == 1 and self.arg == "cropping"):
            cfg["data_format"] = self.data_format
        return cfg


class _ZeroPadding(_BaseBorder):
    arg = "padding"

    def call(self, inputs):
        sa.check_ndim(self, ops.shape(inputs), self.rank + 2)
        widths = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(self._axes(), self.padding):
            widths[axis] = pair
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        sa.check_ndim(self, shape, self.rank + 2)
        for axis, (a, b) in zip(self._axes(), self.padding):
            if shape[axis] is not None:
                shape[axis] += a + b
        return tuple(shape)


class _Cropping(_BaseBorder):
    arg = "cropping"

    def _check(self, shape):
        sa.check_ndim(self, shape, self.rank + 2)
        for axis, (a, b) in zip(self._axes(), self.cropping):
            if shape[axis] is not None and a + b >= shape[axis]:
                raise ValueError(
                    f"Values in `cropping` argument should be smaller than the corresponding "
                    f"spatial dimension of the input. Received: input_shape={tuple(shape)}, "
                    f"cropping={self.cropping}"
                )

    def call(self, inputs):
        shape = ops.shape(inputs)
        self._check(shape)
        index = [slice(None)] * (self.rank + 2)
        for axis, (a, b) in zip(self._axes(), self.cropping):
            index[axis] = slice(a, shape[axis] - b)
        return ops.getitem(inputs, tuple(index))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check(shape)
        for axis, (a, b) in zip(self._axes(), self.cropping):
            if shape[axis] is not None:
                shape[axis] -= a + b
        return tuple(shape)


class ZeroPadding1D(_ZeroPadding):
    """Pads the time axis with zeros. `padding`: int or `(left, right)`."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns with zeros.

    Args:
        padding: Int, `(sym_rows, sym_cols)` or `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes with zeros (int, 3 ints or 3 pairs)."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class Cropping1D(_Cropping):
    """Crops the time axis. `cropping`: int or `(start, end)`."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)


class Cropping2D(_Cropping):
    """Crops rows and columns.

    Args:
        cropping: Int, `(sym_rows, sym_cols)` or `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes (int, 3 ints or 3 pairs)."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
