"""`StackedRNNCells`: several cells acting as one, each feeding the next."""

from __future__ import annotations

import numpy as np

from minikeras.layers.layer import Layer
from minikeras.layers.rnn.rnn import plain_dtype_config


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so that `RNN` runs them as one stacked cell.

    Args:
        cells: List of cells (e.g. `[LSTMCell(8), LSTMCell(4)]`).

    Example:
        >>> RNN(StackedRNNCells([LSTMCell(8), LSTMCell(4)]))
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    "All cells must have a `call` method and a `state_size` attribute. "
                    f"Received cells={cells}"
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is None:
            size = last.state_size[0] if isinstance(last.state_size, list) else last.state_size
        return size

    def get_initial_state(self, batch_size=None):
        out = []
        for cell in self.cells:
            sizes = (
                cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
            )
            init = getattr(cell, "get_initial_state", None)
            init = (
                init(batch_size=batch_size)
                if init is not None
                else [np.zeros((batch_size, int(s)), dtype=self.dtype) for s in sizes]
            )
            init = list(init) if isinstance(init, (list, tuple)) else [init]
            out.append(init if isinstance(cell.state_size, (list, tuple)) else init[0])
        return out

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
            size = getattr(cell, "output_size", None) or (
                cell.state_size[0] if isinstance(cell.state_size, list) else cell.state_size
            )
            shape = (*shape[:-1], size)
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        x = inputs
        for cell, s in zip(self.cells, states):
            kwargs = {"training": training} if getattr(cell, "_call_has_training", False) else {}
            x, ns = cell(x, list(s) if isinstance(s, (list, tuple)) else [s], **kwargs)
            ns = list(ns) if isinstance(ns, (list, tuple)) else [ns]
            new_states.append(ns if isinstance(cell.state_size, (list, tuple)) else ns[0])
        return x, new_states

    def reset_dropout_mask(self):
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        cfg = super().get_config()
        cfg["cells"] = [serialize_keras_object(c) for c in self.cells]
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = plain_dtype_config(config)
        cells = [
            deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")
        ]
        return cls(cells, **config)
