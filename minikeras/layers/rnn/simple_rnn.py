"""`SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t @ kernel + h_{t-1} @ U + bias)`."""

from __future__ import annotations

import difflib
import inspect

from minikeras import ops, regularizers
from minikeras.layers.rnn.base_cell import BaseRNNCell
from minikeras.layers.rnn.rnn import RNN, plain_dtype_config
from minikeras.ops import rnn as rnn_ops
from minikeras.utils.naming import to_snake_case

_RNN_KEYS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)
_BASE_KEYS = (
    "name",
    "trainable",
    "dtype",
    "activity_regularizer",
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "input_dim",
    "weights",
)


class SimpleRNNCell(BaseRNNCell):
    """Cell class for SimpleRNN: one step of a fully-connected recurrence.

    Args: see `BaseRNNCell` (`units`, `activation`, initializers, ...).

    Call arguments:
        inputs: `(batch, features)`.
        states: `[h]` or `h`, the previous output `(batch, units)`.
        training: Whether dropout applies.
    """

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        inputs, h_in = self.apply_step_dropout(inputs, h_prev, training)
        out = ops.add(
            ops.dense(inputs, self.kernel, self.bias), ops.matmul(h_in, self.recurrent_kernel)
        )
        out = self.activation(out)
        return out, [out]

    def fused_sequence(self, sequences, initial_state, mask, training, go_backwards):
        """Whole-sequence forward with one fused BPTT op, or None if not fusable."""
        if not self._fusable(SimpleRNNCell):
            return None
        xw, mask, rdp = self._prepare_sequence(sequences, mask, training, go_backwards)
        hs = rnn_ops.simple_rnn_sequence(
            xw, initial_state[0], self.recurrent_kernel, mask, rdp, self._act_name(self.activation)
        )
        last = rnn_ops.basic_slice(hs, (slice(None), -1))
        return hs, last, [last]


def _cell_parameters(cell_class) -> list[inspect.Parameter]:
    """The named constructor arguments of `cell_class`, following `**kwargs` up its bases."""
    params: dict[str, inspect.Parameter] = {}
    first = True
    for klass in cell_class.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        more, own = False, first
        first = False
        for param in list(inspect.signature(init).parameters.values())[1:]:
            if param.kind is param.VAR_KEYWORD:
                more = True
            elif param.kind is not param.VAR_POSITIONAL and (
                own or param.default is not param.empty
            ):
                # A base's required argument is the subclass's to fill (ConvLSTM2DCell
                # passes `filters` as BaseRNNCell's `units`).
                params.setdefault(param.name, param)
        if not more:
            break
    return list(params.values())


class _RecurrentSignature:
    """`inspect.signature(LSTM)` (and so `help(LSTM)`): the cell's arguments, then the RNN's.

    A recurrent layer forwards its cell's arguments through `**kwargs`; this descriptor
    shows them all. Instances keep the normal (call) signature.
    """

    def __get__(self, obj, owner):
        if obj is not None:
            raise AttributeError("__signature__")
        cell = _cell_parameters(owner.cell_class)
        rnn_params = list(inspect.signature(RNN.__init__).parameters.values())[2:-1]
        layer_kwargs = inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)
        return inspect.Signature(
            [
                *(p for p in cell if p.kind is not p.KEYWORD_ONLY),
                *rnn_params,
                *(p for p in cell if p.kind is p.KEYWORD_ONLY),
                layer_kwargs,
            ]
        )


def _check_cell_arguments(layer: str, cell_class, cell_kwargs: dict) -> None:
    known = {p.name for p in _cell_parameters(cell_class)} | {
        "implementation",
        "autocast",
        "input_dtype",
    }
    unknown = {k: v for k, v in cell_kwargs.items() if k not in known}
    if unknown:
        options = sorted(known | set(_RNN_KEYS) | set(_BASE_KEYS))
        hints = [
            f"`{k}` (did you mean `{close[0]}`?)" if close else f"`{k}`"
            for k in unknown
            for close in [difflib.get_close_matches(k, options, n=1, cutoff=0.75)]
        ]
        raise ValueError(
            f"Unrecognized keyword arguments passed to {layer}: {unknown}. "
            f"Unknown: {', '.join(hints)}."
        )


def split_config(config: dict):
    """Splits a recurrent layer's config into `(cell_kwargs, rnn_and_base_kwargs)`."""
    config = dict(config)
    outer = {k: config.pop(k) for k in (*_RNN_KEYS, *_BASE_KEYS) if k in config}
    return config, outer


class SimpleRNN(RNN):
    """Fully-connected RNN where the output is fed back to the input.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation, use_bias, initializers, regularizers, constraints, dropout,
        recurrent_dropout, seed: as in `SimpleRNNCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.

    Example:
        >>> SimpleRNN(4)(np.zeros((32, 10, 8), "float32")).shape
        (32, 4)
    """

    cell_class = SimpleRNNCell
    __signature__ = _RecurrentSignature()

    def __init__(self, units=None, **kwargs):
        units = _legacy_units(kwargs, type(self).__name__, units)
        cell_kwargs, outer = split_config(kwargs)
        _check_cell_arguments(type(self).__name__, self.cell_class, cell_kwargs)
        cell = self.cell_class(
            units,
            name=to_snake_case(self.cell_class.__name__),
            dtype=outer.get("dtype"),
            **cell_kwargs,
        )
        super().__init__(cell, **outer)

    def __getattr__(self, name):
        if name in ("cell", "__setstate__") or name.startswith("__"):
            raise AttributeError(name)
        cell = self.__dict__.get("cell")
        if cell is not None and hasattr(cell, name):
            return getattr(cell, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self) -> dict:
        cfg = super().get_config()
        cell_cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_cfg.pop(key, None)
        cfg.update(cell_cfg)
        cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        config = plain_dtype_config(config)
        return cls(**config)


def _legacy_units(kwargs, layer, units):
    from minikeras.legacy.arguments import renamed_argument

    units = renamed_argument(kwargs, "output_dim", "units", units, owner=layer)
    input_length = kwargs.pop("input_length", None)
    if "input_dim" in kwargs and "input_shape" not in kwargs:
        kwargs["input_shape"] = (input_length, kwargs.pop("input_dim"))
    for old, new in (
        ("init", "kernel_initializer"),
        ("inner_init", "recurrent_initializer"),
        ("W_regularizer", "kernel_regularizer"),
        ("U_regularizer", "recurrent_regularizer"),
        ("b_regularizer", "bias_regularizer"),
        ("dropout_W", "dropout"),
        ("dropout_U", "recurrent_dropout"),
        ("inner_activation", "recurrent_activation"),
    ):
        if old in kwargs:
            kwargs[new] = renamed_argument(kwargs, old, new, None, owner=layer)
    if kwargs.pop("time_major", False):
        raise ValueError(
            f"{layer}: `time_major=True` is not supported; pass inputs of shape "
            "(batch, timesteps, features)."
        )
    forget_init = kwargs.pop("forget_bias_init", None)
    if forget_init is not None:
        renamed_argument(
            {"forget_bias_init": forget_init},
            "forget_bias_init",
            "unit_forget_bias",
            None,
            owner=layer,
        )
        if layer == "LSTM":
            kwargs.setdefault("unit_forget_bias", forget_init in ("one", "ones"))
    kwargs.pop("consume_less", None)
    kwargs.pop("use_cudnn", None)
    return units
