"""`InputLayer` and `Input()`: the entry points of a model."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.layer import Layer
from minikeras.layers.node import Node

# NumPy arrays have at most 64 dimensions.
_MAX_RANK = 64


def _head(values) -> str:
    """The start of a (possibly enormous) sequence, for messages."""
    try:
        shown = list(values[:8])
    except TypeError:
        return repr(values)[:80]
    return str(shown)[:-1] + (", ...]" if len(values) > 8 else "]")


def _standardize_batch_shape(batch_shape) -> tuple:
    """`batch_shape` as a tuple of None / non-negative ints, with Keras-style errors."""

    def bad(reason):
        return ValueError(
            f"Invalid input shape: {reason}. Expected a tuple of at most {_MAX_RANK} "
            "dimensions, each None or a non-negative integer. Received: "
            f"batch_shape={_head(batch_shape)}"
        )

    if isinstance(batch_shape, (str, bytes)) or not hasattr(batch_shape, "__len__"):
        raise bad("not a tuple")
    if len(batch_shape) > _MAX_RANK:
        raise bad(f"{len(batch_shape)} dimensions")
    out = []
    for d in batch_shape:
        if d is None:
            out.append(None)
            continue
        if isinstance(d, bool) or not isinstance(d, (int, float, np.integer, np.floating)):
            raise bad(f"dimension {d!r} is not an integer")
        if not np.isfinite(d) or d != int(d) or d < 0:
            raise bad(f"dimension {d!r} is not a non-negative integer")
        out.append(int(d))
    return tuple(out)


class InputLayer(Layer):
    """A layer holding a model's symbolic input.

    Args:
        shape: Shape without the batch dimension, e.g. `(784,)`.
        batch_size: Optional fixed batch size.
        dtype: Input dtype (default `floatx()`).
        sparse: Accepted for compatibility; must be falsy.
        batch_shape: Full shape including the batch dimension (Keras 3 name).
        name: Layer name (default `input_layer`, `input_layer_1`, ...).
        input_tensor: Accepted for compatibility; not supported.
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        ragged=None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("trainable", None)
        if sparse:
            raise ValueError("Sparse inputs are not supported by minikeras (sparse=True).")
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "You must pass a `shape` argument to InputLayer / Input. Received: "
                    "shape=None, batch_shape=None"
                )
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size, *shape)
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.batch_shape = _standardize_batch_shape(batch_shape)
        self.sparse = False
        self.optional = bool(optional)
        self.built = True
        tensor = KerasTensor(
            self.batch_shape, dtype=config.standardize_dtype(dtype), name=self.name
        )
        node = Node(self, [], tensor)
        self._inbound_nodes.append(node)
        tensor._keras_history = (self, 0, 0)
        self.output_tensor = tensor
        self._input_shape_record = self.batch_shape
        self._output_shape_record = self.batch_shape

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self.batch_shape),
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        return cls(**config)


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
    ragged=None,
):  # noqa: N802 - Keras name
    """Creates a symbolic input tensor for a functional model.

    Example:
        >>> x = Input(shape=(32,))
        >>> y = Dense(16, activation="softmax")(x)
        >>> model = Model(x, y)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        optional=optional,
    )
    return layer.output_tensor
