"""`ReLU`: the rectified linear unit with optional cap, threshold and leak."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class ReLU(Layer):
    """Rectified Linear Unit activation layer.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: Float >= 0, the largest output (None: uncapped).
        negative_slope: Float >= 0, slope below the threshold.
        threshold: Float >= 0, the value below which outputs are damped.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("max_value", max_value), ("negative_slope", negative_slope),
                           ("threshold", threshold)):
            if value is not None and value < 0:
                raise ValueError(
                    f"{arg} of a ReLU layer cannot be a negative value. Received: "
                    f"{arg}={value}")
        if negative_slope is None or threshold is None:
            raise ValueError("negative_slope and threshold of a ReLU layer cannot be None.")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        if self.negative_slope == 0 and self.threshold == 0:
            out = ops.relu(inputs)
        else:
            above = ops.where(ops.greater_equal(inputs, self.threshold), inputs, 0.0)
            below = ops.multiply(ops.minimum(ops.subtract(inputs, self.threshold), 0.0),
                                 self.negative_slope)
            out = ops.add(above, below)
        if self.max_value is not None:
            out = ops.minimum(out, self.max_value)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                    "threshold": self.threshold})
        return cfg
