"""`RepeatVector`: repeats a 2-D input `n` times along a new time axis."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class RepeatVector(Layer):
    """Repeats the input `n` times: `(batch, features)` → `(batch, n, features)`.

    Args:
        n: Integer, the repetition factor.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n < 1:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.built = True

    def _check_rank(self, shape):
        if len(shape) != 2:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim=2, found ndim={len(shape)}. Full shape received: {tuple(shape)}"
            )

    def _check_input_rank(self, inputs):
        self._check_rank(ops.shape(inputs))

    def call(self, inputs):
        self._check_rank(ops.shape(inputs))
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["n"] = self.n
        return cfg
