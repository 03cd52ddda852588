"""`Permute`: permutes the non-batch dimensions of the input."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class Permute(Layer):
    """Permutes the dimensions of the input according to a pattern (batch axis excluded).

    Args:
        dims: Tuple of integers, a permutation of `1..rank-1` (1-indexed, as in
            Keras); e.g. `(2, 1)` swaps the first and second non-batch axes.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.supports_masking = True
        self.built = True

    def _check_rank(self, shape):
        if len(shape) != len(self.dims) + 1:
            raise ValueError(
                f"Permute layer '{self.name}' with dims={self.dims} expects inputs of rank "
                f"{len(self.dims) + 1} (batch included); received shape {tuple(shape)}"
            )

    def call(self, inputs):
        self._check_rank(ops.shape(inputs))
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["dims"] = list(self.dims)
        return cfg
