"""Argument helpers shared by the spatial layers: tuples, ranks, Keras 1/2 names."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.legacy.arguments import renamed_argument

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}
_MISSING = object()


def standardize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """`value` as a tuple of `n` ints (an int is repeated), Keras-style errors."""

    def as_int(v) -> int:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise TypeError(v)
        return int(v)

    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        out = (int(value),) * n
    else:
        try:
            if isinstance(value, (str, bytes)):
                raise TypeError(value)
            out = tuple(as_int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
            ) from None
    low = 0 if allow_zero else 1
    if len(out) != n or any(v < low for v in out):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} {kind} integers. Received {name}={value}"
        )
    return out


def standardize_padding(value, allowed=("valid", "same")) -> str:
    p = str(value).lower()
    if p not in allowed:
        raise ValueError(
            f"The `padding` argument must be a string, one of {list(allowed)}. "
            f"Received: padding={value}"
        )
    return p


def standardize_data_format(data_format) -> str:
    return config.standardize_data_format(data_format)


def pop_dim_ordering(kwargs: dict, layer: str, data_format):
    """Keras 1 `dim_ordering` ('tf'/'th') → `data_format`, with a DeprecationWarning."""
    value = renamed_argument(kwargs, "dim_ordering", "data_format", _MISSING, owner=layer)
    if value is _MISSING:
        return data_format
    if value not in _DIM_ORDERING:
        raise ValueError(
            f"Unknown `dim_ordering` for {layer}: {value!r}. Expected 'tf', 'th' or "
            "'default' (or use `data_format='channels_last'|'channels_first'`)."
        )
    return _DIM_ORDERING[value]


def pop_border_mode(kwargs: dict, layer: str, padding):
    """Keras 1 `border_mode` → `padding`."""
    return renamed_argument(kwargs, "border_mode", "padding", padding, owner=layer)


def check_ndim(layer, shape, ndim: int) -> None:
    """Raises the Keras InputSpec error when `shape` is not of rank `ndim`."""
    shape = tuple(shape)
    if len(shape) != ndim:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected '
            f"ndim={ndim}, found ndim={len(shape)}. Full shape received: {shape}"
        )


def check_axis_value(layer, shape, axis: int, value: int, shown_axis=None) -> None:
    """Raises the Keras InputSpec error when axis `axis` of `shape` is not `value` (the
    size the layer's weights were built for); `shown_axis` is the axis as the user gave it."""
    shape = tuple(shape)
    if shape[axis] != value:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected axis '
            f"{axis if shown_axis is None else shown_axis} of input shape to have value "
            f"{value}, but received input with shape {shape}"
        )


def check_min_ndim(layer, shape, ndim: int) -> None:
    shape = tuple(shape)
    if len(shape) < ndim:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected '
            f"min_ndim={ndim}, found ndim={len(shape)}. Full shape received: {shape}"
        )


def channel_axis(data_format: str, ndim: int) -> int:
    return 1 if data_format == "channels_first" else ndim - 1


def spatial_axes(data_format: str, ndim: int) -> tuple:
    return tuple(range(2, ndim)) if data_format == "channels_first" else tuple(range(1, ndim - 1))
