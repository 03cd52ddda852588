"""`Pipeline` (a list of preprocessing layers applied in order) and `AutoContrast`."""

from __future__ import annotations

import numpy as np

from minikeras.layers.layer import Layer
from minikeras.layers.preprocessing.image_augmentation.base_augmentation import (
    BaseAugmentation,
)


class Pipeline(Layer):
    """Applies preprocessing layers one after the other (Keras 3's `Pipeline`).

    Unlike a `Sequential` model, a pipeline is a layer, so it can sit in a data
    pipeline and forwards `training` to each layer that takes it.

    Args:
        layers: List of layers.
        name: Optional name.

    Example:
        >>> aug = Pipeline([RandomFlip("horizontal"), RandomRotation(0.1)])
        >>> aug(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 8, 8, 3)
    """

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)
        self.built = True

    @property
    def layers(self) -> list:
        return self._pipeline_layers

    def __call__(self, inputs, *args, **kwargs):
        training = kwargs.pop("training", None)
        out = inputs
        for layer in self._pipeline_layers:
            extra = {} if training is None else {"training": training}
            out = layer(out, **extra)
        return out

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        return {
            "layers": [serialize_keras_object(layer) for layer in self._pipeline_layers],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = dict(config)
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list "
                f"of serialized layers. Received config with layers={layers}."
            )
        config["layers"] = [
            deserialize_keras_object(x, custom_objects=custom_objects) for x in layers
        ]
        return cls(**config)


class AutoContrast(BaseAugmentation):
    """Stretches each image's channels to the full `value_range` (applied in and out of fit).

    Each channel's minimum maps to the low end and its maximum to the high end;
    a constant channel is left unchanged.

    Args:
        value_range: `(low, high)` of the pixel values (default `(0, 255)`).
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = tuple(value_range)

    def inference(self, images):
        single = images.ndim == 3
        out = self.augment(images[None] if single else images)
        return out[0] if single else out

    def augment(self, images):
        lo, hi = self.value_range
        x = (images.astype(np.float64) - lo) * (255.0 / (hi - lo))
        axes = self.hw_axes(images.ndim)
        low = x.min(axis=axes, keepdims=True)
        high = x.max(axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 255.0 / (high - low)
            y = np.clip(x * scale - low * scale, 0.0, 255.0) * ((hi - lo) / 255.0) + lo
        return np.where(np.isnan(y), images, y).astype(images.dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.pop("seed", None)
        cfg.pop("data_format", None)
        cfg["value_range"] = list(self.value_range)
        return cfg
