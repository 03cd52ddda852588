"""`ELU`: the exponential linear unit as a layer."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class ELU(Layer):
    """Applies `x` for `x > 0` and `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: Scale for the negative section (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["alpha"] = self.alpha
        return cfg
