"""`LeakyReLU`: `x` for `x >= 0`, `negative_slope * x` otherwise."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import legacy
from minikeras.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky version of a Rectified Linear Unit.

    Args:
        negative_slope: Float >= 0, slope for negative inputs (default 0.3).
            Keras 2's `alpha` is accepted with a DeprecationWarning.

    Example:
        >>> LeakyReLU(negative_slope=0.2)(np.array([-1.0, 2.0]))
        array([-0.2,  2. ])
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        negative_slope = legacy.pop_renamed(kwargs, "LeakyReLU", "alpha", "negative_slope",
                                            negative_slope)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative, "
                f"expected a float. Received: negative_slope={negative_slope}")
        self.negative_slope = float(negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["negative_slope"] = self.negative_slope
        return cfg
