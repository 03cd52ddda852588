"""`Reshape`: gives the (non-batch part of the) input a new shape."""

from __future__ import annotations

import math

from minikeras import ops
from minikeras.layers.layer import Layer


class Reshape(Layer):
    """Reshapes inputs into `target_shape` (batch axis untouched; one `-1` allowed).

    Args:
        target_shape: Tuple of integers, not including the batch axis.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(
                "There must be at most one unknown dimension (-1) in `target_shape`. "
                f"Received: target_shape={self.target_shape}"
            )
        self.built = True

    def _resolved(self, input_shape):
        known = input_shape[1:]
        if -1 not in self.target_shape:
            out = self.target_shape
        elif any(d is None for d in known):
            out = tuple(None if d == -1 else d for d in self.target_shape)
        else:
            total = math.prod(known)
            rest = math.prod(d for d in self.target_shape if d != -1)
            out = tuple(total // rest if d == -1 else d for d in self.target_shape)
        if not any(d is None for d in known) and None not in out:
            if math.prod(known) != math.prod(out):
                raise ValueError(
                    f"total size of new array must be unchanged, input_shape = "
                    f"{list(known)}, output_shape = {list(self.target_shape)}"
                )
        return out

    def call(self, inputs):
        shape = ops.shape(inputs)
        return ops.reshape(inputs, (shape[0], *self._resolved(shape)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolved(tuple(input_shape)))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["target_shape"] = list(self.target_shape)
        return cfg
