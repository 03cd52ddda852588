"""`RNN`: runs a cell over the time axis of a sequence.

Built-in cells (SimpleRNN, LSTM, GRU) take a fused path: one op over the whole
sequence whose VJP is hand-written back-propagation through time (see
`minikeras.ops.rnn`). Any other cell (`cell.call(inputs, states)` composed of
ops) runs step by step, the tape recording each step.
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import value_of
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import check_axis_value
from minikeras.ops import rnn as rnn_ops


def map_structure(fn, *structs):
    """Applies `fn` to the leaves of equally nested lists/tuples."""
    first = structs[0]
    if isinstance(first, (list, tuple)):
        return [map_structure(fn, *items) for items in zip(*structs)]
    return fn(*structs)


def flatten_states(states) -> list:
    if isinstance(states, (list, tuple)):
        out = []
        for s in states:
            out.extend(flatten_states(s))
        return out
    return [states]


def state_sizes(state_size) -> list:
    """Flat list of the state dimensions of a cell's `state_size`."""
    if isinstance(state_size, (list, tuple)):
        out = []
        for s in state_size:
            out.extend(state_sizes(s))
        return out
    return [int(state_size)]


def plain_dtype_config(config: dict) -> dict:
    """A copy of a layer config with a Keras 3 `DTypePolicy` dict reduced to its name."""
    config = dict(config)
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
    return config


def nest_weight_paths(parent, child) -> None:
    """Prefixes `child`'s weight paths with `parent.name`, as Keras 3 names nested weights
    (`bidi/forward_lstm/lstm_cell/kernel`)."""
    for w in child.weights:
        if not w.path.startswith(parent.name + "/"):
            w.path = f"{parent.name}/{w.path}"


def check_sequence_rank(layer, shape) -> None:
    rank = getattr(layer, "_input_rank", 3)
    if shape is not None and len(shape) != rank:
        layout = getattr(layer, "_input_layout", "(batch_size, timesteps, features)")
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected '
            f"ndim={rank}, found ndim={len(shape)}. Full shape received: {tuple(shape)}. "
            f"{type(layer).__name__} takes inputs of shape {layout}; for a single sequence "
            "add a batch axis, for inputs without a time axis add one (e.g. with `Reshape` "
            "or `RepeatVector`)."
        )


class RNN(Layer):
    """Base class for recurrent layers: applies `cell` along the time axis.

    Args:
        cell: A cell with `call(inputs, states)`, `state_size` and `output_size`
            (e.g. `LSTMCell(32)`), or a list of cells (stacked).
        return_sequences: Return the full output sequence, or only the last output.
        return_state: Also return the final states.
        go_backwards: Process the sequence backwards (and return it reversed).
        stateful: Keep the final states of each batch as the initial states of
            the next (needs a fixed batch size); `reset_states()` zeroes them.
        unroll: Accepted for compatibility (no effect).
        zero_output_for_mask: Output zeros (instead of the previous output) at
            masked timesteps when returning sequences.

    Call arguments:
        sequences: `(batch, timesteps, features)`.
        initial_state: Optional list of initial state tensors.
        mask: Optional `(batch, timesteps)` booleans; masked steps are skipped.
        training: Whether dropout applies.
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            from minikeras.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        for attr in ("call", "state_size"):
            if not hasattr(cell, attr):
                raise ValueError(
                    f"Argument `cell` should have a `{attr}` method/attribute. Received: "
                    f"cell={cell}"
                )
        if kwargs.pop("time_major", False):
            raise ValueError(
                "`time_major=True` is not supported; pass inputs of shape "
                "(batch, timesteps, features)."
            )
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None

    # ------------------------------------------------------------------ shapes

    @property
    def state_size(self):
        return self.cell.state_size

    def _output_size(self) -> int:
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = state_sizes(self.cell.state_size)[0]
        return int(size)

    def _check_input_rank(self, inputs) -> None:
        seq = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        check_sequence_rank(self, np.shape(value_of(seq)))

    def build(self, input_shape):
        if (
            isinstance(input_shape, list)
            and input_shape
            and isinstance(input_shape[0], (list, tuple))
        ):
            input_shape = input_shape[0]
        check_sequence_rank(self, input_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build((input_shape[0], *input_shape[2:]))
            nest_weight_paths(self, self.cell)
        if self.stateful:
            if input_shape[0] is None:
                raise ValueError(
                    "If a RNN is stateful, it needs to know its batch size. Specify the batch "
                    "size of your input tensors: - If using a Sequential model, specify the "
                    "batch size by passing a `batch_input_shape` argument to your first layer "
                    "(or `batch_size` to `Input`). - If using the functional API, specify the "
                    "batch size by passing a `batch_shape` argument to your Input layer."
                )
            self._expected_batch_size = input_shape[0]
            self.reset_states()
        self.built = True

    def compute_output_shape(self, input_shape):
        if (
            isinstance(input_shape, list)
            and input_shape
            and isinstance(input_shape[0], (list, tuple))
        ):
            input_shape = input_shape[0]
        check_sequence_rank(self, input_shape)
        batch = input_shape[0]
        units = self._output_size()
        out = (batch, input_shape[1], units) if self.return_sequences else (batch, units)
        if self.return_state:
            return [out] + [(batch, s) for s in state_sizes(self.cell.state_size)]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(state_sizes(self.cell.state_size))
        return out

    # ------------------------------------------------------------------ states

    def get_initial_state(self, batch_size):
        init = getattr(self.cell, "get_initial_state", None)
        if init is not None:
            states = init(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [
            np.zeros((batch_size, d), dtype=self.dtype) for d in state_sizes(self.cell.state_size)
        ]

    def reset_states(self, states=None):
        """Zeroes the states of a stateful RNN (or sets them to `states`)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful to reset its states.")
        batch = self._expected_batch_size
        if states is None:
            self.states = [
                np.zeros(np.shape(value_of(s)), dtype=self.dtype)
                for s in flatten_states(self.get_initial_state(batch))
            ]
        else:
            states = states if isinstance(states, (list, tuple)) else [states]
            self.states = [np.asarray(value_of(s), dtype=self.dtype) for s in states]

    reset_state = reset_states

    def _structured(self, flat: list):
        """Packs a flat list of states into the cell's `state_size` structure."""
        it = iter(flat)

        def pack(size):
            if isinstance(size, (list, tuple)):
                return [pack(s) for s in size]
            return next(it)

        size = self.cell.state_size
        return pack(size) if isinstance(size, (list, tuple)) else [next(it)]

    # ------------------------------------------------------------------ call

    def __call__(self, *args, **kwargs):
        initial_state = kwargs.pop("initial_state", None)
        if initial_state is not None:
            initial_state = (
                list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            )
            inputs = args[0] if args else kwargs.pop("inputs")
            args = ([inputs, *initial_state], *args[1:])
        return super().__call__(*args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(sequences, (list, tuple)):
            sequences, initial_state = sequences[0], list(sequences[1:])
            if isinstance(mask, (list, tuple)):
                mask = mask[0]
        check_sequence_rank(self, ops.shape(sequences))
        kernel = getattr(self.cell, "kernel", None)
        if kernel is not None and len(kernel.shape) == 2:  # (features, gates * units)
            check_axis_value(self, ops.shape(sequences), -1, kernel.shape[0])
        batch = ops.shape(sequences)[0]
        if initial_state is None:
            if self.stateful:
                if batch != self._expected_batch_size:
                    raise ValueError(
                        "If an RNN is stateful, the batch size of the input sequences must be "
                        f"the same as the batch size of the initial state. Expected batch "
                        f"size: {self._expected_batch_size}; received batch size: {batch}"
                    )
                initial_state = list(self.states)
            else:
                initial_state = self.get_initial_state(batch)
        flat_init = flatten_states(initial_state)
        sizes = state_sizes(self.cell.state_size)
        if len(flat_init) != len(sizes):
            raise ValueError(
                f"Layer {self.name} expects {len(sizes)} initial state(s), but it received "
                f"{len(flat_init)}: {[ops.shape(s) for s in flat_init]}"
            )
        if mask is not None:
            mask = np.asarray(value_of(mask), dtype=bool)
            if mask.ndim == 3:
                mask = mask.any(axis=-1)
        training = bool(training)
        fused = getattr(self.cell, "fused_sequence", None)
        result = None
        if fused is not None:
            result = fused(sequences, flat_init, mask, training, self.go_backwards)
        if result is None:
            result = self._step_loop(sequences, flat_init, mask, training)
        outputs, last_output, final_states = result
        if self.zero_output_for_mask and mask is not None and self.return_sequences:
            m = mask[:, ::-1] if self.go_backwards else mask
            outputs = ops.multiply(outputs, m[:, :, None].astype(self.dtype))
        if self.stateful:
            self.states = [np.array(value_of(s)) for s in final_states]
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output, *final_states]
        return output

    def _step_loop(self, sequences, flat_states, mask, training):
        """Runs a generic cell one timestep at a time (the tape records each step)."""
        steps = ops.shape(sequences)[1]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        states = self._structured(flat_states)
        kwargs = {"training": training} if getattr(self.cell, "_call_has_training", False) else {}
        outputs = []
        prev_out = None
        if hasattr(self.cell, "reset_dropout_mask"):  # fresh dropout masks per sequence
            self.cell.reset_dropout_mask()
        for t in order:
            x_t = rnn_ops.basic_slice(sequences, (slice(None), t))
            out, new_states = self.cell(x_t, list(states), **kwargs)
            new_states = new_states if isinstance(new_states, (list, tuple)) else [new_states]
            if mask is not None:
                out_v = np.asarray(value_of(out))
                m = mask[:, t].reshape((-1,) + (1,) * (out_v.ndim - 1)).astype(out_v.dtype)

                def keep(new, old, m=m):
                    return ops.add(old, ops.multiply(m, ops.subtract(new, old)))

                if prev_out is None:
                    prev_out = flatten_states(states)[0]
                out = keep(out, prev_out)
                new_states = map_structure(keep, list(new_states), list(states))
            outputs.append(out)
            prev_out = out
            states = list(new_states)
        if hasattr(self.cell, "reset_dropout_mask"):
            self.cell.reset_dropout_mask()
        seq = ops.stack(outputs, axis=1)
        return seq, outputs[-1], flatten_states(states)

    # ------------------------------------------------------------------ config

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        cfg = super().get_config()
        cfg.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        if type(self) is RNN:
            cfg["cell"] = serialize_keras_object(self.cell)
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = plain_dtype_config(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)
