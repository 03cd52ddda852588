"""`Softmax`: the softmax activation as a layer, with optional mask."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer


class Softmax(Layer):
    """Softmax along `axis`; masked positions (mask 0) get probability ~0.

    Args:
        axis: Integer or list of integers, the axis to normalise over.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            penalty = ops.multiply(ops.subtract(1.0, ops.cast(mask, inputs.dtype)), -1e9)
            inputs = ops.add(inputs, penalty)
        if isinstance(self.axis, (list, tuple)):
            lse = ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True)
            return ops.exp(ops.subtract(inputs, lse))
        return ops.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
