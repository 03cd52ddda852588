"""`Bidirectional`: runs a recurrent layer forwards and backwards and merges the outputs."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer
from minikeras.layers.rnn.rnn import RNN, nest_weight_paths, plain_dtype_config
from minikeras.ops import rnn as rnn_ops

_MODES = ("sum", "mul", "ave", "concat", None)


def _with_dtype(layer_config: dict, dtype) -> dict:
    """A copy of a serialized layer config with its `dtype` replaced."""
    return {**layer_config, "config": {**layer_config.get("config", {}), "dtype": dtype}}


def _merge(mode, a, b):
    if mode == "concat":
        return ops.concatenate([a, b], axis=-1)
    if mode == "sum":
        return ops.add(a, b)
    if mode == "ave":
        return ops.multiply(ops.add(a, b), 0.5)
    if mode == "mul":
        return ops.multiply(a, b)
    return [a, b]


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    Args:
        layer: A recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`); a copy of
            it processes the sequence forwards and another copy backwards.
        merge_mode: How to combine the two outputs: `"concat"` (default),
            `"sum"`, `"mul"`, `"ave"`, or None (return both as a list).
        backward_layer: Optional explicit backward layer (must have
            `go_backwards=True`).

    Example:
        >>> Bidirectional(LSTM(10, return_sequences=True))(np.zeros((2, 5, 3), "float32")).shape
        (2, 5, 20)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):

        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a recurrent `keras.layers.Layer` "
                f"instance (e.g. LSTM, GRU). Received: {layer}"
            )
        if merge_mode not in _MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` needs to be a Layer instance. Received: {backward_layer}"
            )
        self.forward_layer = self._clone(layer, "forward_", layer.go_backwards)
        if backward_layer is None:
            self.backward_layer = self._clone(layer, "backward_", not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    "Forward layer and backward layer should have different `go_backwards` "
                    f"value. Received: go_backwards={layer.go_backwards} for both."
                )
        for attr in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attr) != getattr(self.backward_layer, attr):
                raise ValueError(
                    f"Forward layer and backward layer should have the same `{attr}` value."
                )
        for lay in (self.forward_layer, self.backward_layer):
            if isinstance(lay, RNN):
                lay.zero_output_for_mask = lay.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    @staticmethod
    def _clone(layer, prefix, go_backwards):
        cfg = layer.get_config()
        cfg["name"] = prefix + layer.name
        cfg["go_backwards"] = go_backwards
        return type(layer).from_config(cfg)

    def build(self, input_shape):
        seq_shape = (
            input_shape[0]
            if isinstance(input_shape, list) and isinstance(input_shape[0], (list, tuple))
            else input_shape
        )
        for lay in (self.forward_layer, self.backward_layer):
            if not lay.built:
                lay._maybe_build(tuple(seq_shape))
            nest_weight_paths(self, lay)
        self.built = True

    def __call__(self, *args, **kwargs):
        initial_state = kwargs.pop("initial_state", None)
        if initial_state is not None:
            inputs = args[0] if args else kwargs.pop("inputs")
            args = ([inputs, *list(initial_state)], *args[1:])
        return super().__call__(*args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):
            sequences, initial_state = sequences[0], list(sequences[1:])
            if isinstance(mask, (list, tuple)):
                mask = mask[0]
        kw = {"mask": mask, "training": training}
        if initial_state:
            half = len(initial_state) // 2
            y_f = self.forward_layer(sequences, initial_state=initial_state[:half], **kw)
            y_b = self.backward_layer(sequences, initial_state=initial_state[half:], **kw)
        else:
            y_f = self.forward_layer(sequences, **kw)
            y_b = self.backward_layer(sequences, **kw)
        states = []
        if self.return_state:
            states = list(y_f[1:]) + list(y_b[1:])
            y_f, y_b = y_f[0], y_b[0]
        if self.return_sequences:
            y_b = rnn_ops.basic_slice(y_b, (slice(None), slice(None, None, -1)))
        out = _merge(self.merge_mode, y_f, y_b)
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_output_shape(self, input_shape):
        seq_shape = (
            input_shape[0]
            if isinstance(input_shape, list) and isinstance(input_shape[0], (list, tuple))
            else input_shape
        )
        shape = self.forward_layer.compute_output_shape(tuple(seq_shape))
        states = []
        if self.return_state:
            states = list(shape[1:]) * 2
            shape = shape[0]
        shape = tuple(shape)
        if self.merge_mode == "concat":
            out = [(*shape[:-1], shape[-1] * 2)]
        elif self.merge_mode is None:
            out = [shape, shape]
        else:
            out = [shape]
        out = out + [tuple(s) for s in states]
        return out if len(out) > 1 else out[0]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            n = 2 * (len(self.forward_layer.compute_output_shape((None, 1, 1))) - 1)
            outs = outs + [None] * n
        return outs if len(outs) > 1 else outs[0]

    @property
    def stateful(self) -> bool:
        return bool(getattr(self.forward_layer, "stateful", False))

    def reset_states(self):
        """Resets both directions' states (the wrapped layers must be stateful)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        cfg = super().get_config()
        cfg["merge_mode"] = self.merge_mode
        cfg["layer"] = serialize_keras_object(self.forward_layer)
        cfg["backward_layer"] = serialize_keras_object(self.backward_layer)
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = plain_dtype_config(config)
        layer_cfg, backward = config.pop("layer"), config.pop("backward_layer", None)
        if config.get("dtype") is not None:  # the wrapper's dtype reaches the wrapped layers
            layer_cfg = _with_dtype(layer_cfg, config["dtype"])
            backward = None if backward is None else _with_dtype(backward, config["dtype"])
        layer = deserialize_keras_object(layer_cfg, custom_objects=custom_objects)
        if backward is not None:
            backward = deserialize_keras_object(backward, custom_objects=custom_objects)
        name = layer.name
        if name.startswith("forward_"):  # the saved forward copy: undo the prefix
            layer.name = name[len("forward_") :]
        return cls(layer, backward_layer=backward, **config)
