"""`TimeDistributed`: applies a layer to every temporal slice of an input."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer
from minikeras.layers.rnn.bidirectional import _with_dtype
from minikeras.layers.rnn.rnn import nest_weight_paths, plain_dtype_config


class TimeDistributed(Layer):
    """Applies `layer` to each timestep (axis 1) of a `(batch, time, ...)` input.

    The timesteps are folded into the batch, so one call of `layer` handles
    them all with shared weights.

    Args:
        layer: A `Layer` instance.

    Example:
        >>> TimeDistributed(Dense(8))(np.zeros((32, 10, 16), "float32")).shape
        (32, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check_rank(self, shape):
        if len(shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions (batch, time, ...), received: {tuple(shape)}"
            )

    def build(self, input_shape):
        self._check_rank(input_shape)
        if not self.layer.built:
            self.layer._maybe_build((None, *tuple(input_shape)[2:]))
        nest_weight_paths(self, self.layer)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        child = self.layer.compute_output_shape((None, *tuple(input_shape)[2:]))
        return (input_shape[0], input_shape[1], *tuple(child)[1:])

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        self._check_rank(shape)
        b, t = shape[0], shape[1]
        flat = ops.reshape(inputs, (b * t, *shape[2:]))
        kwargs = {}
        if self.layer._call_has_training:
            kwargs["training"] = training
        if mask is not None and self.layer._call_has_mask:
            kwargs["mask"] = ops.reshape(ops.convert_to_numpy(mask), (b * t, *ops.shape(mask)[2:]))
        y = self.layer(flat, **kwargs)
        ys = ops.shape(y)
        return ops.reshape(y, (b, t, *ys[1:]))

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        cfg = super().get_config()
        cfg["layer"] = serialize_keras_object(self.layer)
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = plain_dtype_config(config)
        layer_cfg = config.pop("layer")
        if config.get("dtype") is not None:  # the wrapper's dtype reaches the wrapped layer
            layer_cfg = _with_dtype(layer_cfg, config["dtype"])
        layer = deserialize_keras_object(layer_cfg, custom_objects=custom_objects)
        return cls(layer, **config)
