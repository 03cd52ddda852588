"""`Identity`: returns its input unchanged (a placeholder layer)."""

from __future__ import annotations

from minikeras.layers.layer import Layer


class Identity(Layer):
    """Identity layer: a no-op placeholder that passes inputs (and masks) through."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
