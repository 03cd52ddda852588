"""Shared machinery of the built-in recurrent cells: weights config, dropout masks, fusion."""

from __future__ import annotations

import numpy as np

from minikeras import activations, ops
from minikeras.backend import config
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role
from minikeras.ops import rnn as rnn_ops


def _check_rate(name, value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"Invalid value for argument `{name}`: expected a float between 0 and "
            f"1. Received: {name}={value}"
        )
    return min(1.0, max(0.0, value))


class BaseRNNCell(Layer):
    """Base of SimpleRNNCell, LSTMCell and GRUCell (kernel, recurrent kernel, bias).

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the candidate/output (default `tanh`).
        use_bias: Whether the cell uses a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: Constraints.
        dropout: Fraction of the inputs dropped (one mask per sequence).
        recurrent_dropout: Fraction of the recurrent state dropped.
        seed: Random seed for the dropout masks.
    """

    gates = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        try:
            ok = int(units) == units and int(units) > 0 and not isinstance(units, bool)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(
                "Received an invalid value for argument `units`, expected a "
                f"positive integer, got {units}."
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(
            self, "recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint
        )
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.dropout = _check_rate("dropout", dropout)
        self.recurrent_dropout = _check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.state_size = self.units
        self.output_size = self.units

    def _build_kernels(self, input_dim, bias_shape=None, bias_initializer=None):
        g = self.gates * self.units
        self.kernel = add_role_weight(self, "kernel", (input_dim, g))
        self.recurrent_kernel = add_role_weight(
            self, "recurrent", (self.units, g), name="recurrent_kernel"
        )
        self.bias = None
        if self.use_bias:
            self.bias = add_role_weight(
                self, "bias", bias_shape or (g,), initializer=bias_initializer
            )

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to {type(self).__name__} "
                f"should be defined. Received input shape: {input_shape}"
            )
        self._build_kernels(int(input_dim))
        self.built = True

    # ------------------------------------------------------------------ dropout

    def _mask(self, shape, rate, dtype):
        rng = self._rng or config.rng()
        keep = rng.random(shape) >= rate
        return (keep / (1.0 - rate)).astype(dtype)

    def dropout_masks(self, batch, input_dim, training, dtype):
        """`(input_mask, recurrent_mask)` for one sequence (None where inactive)."""
        dp = rdp = None
        if training and 0.0 < self.dropout < 1.0:
            dp = self._mask((batch, input_dim), self.dropout, dtype)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            rdp = self._mask((batch, self.units), self.recurrent_dropout, dtype)
        return dp, rdp

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [np.zeros((batch_size, s), dtype=self.dtype) for s in sizes]

    # ------------------------------------------------------------------ fused path

    def _fusable(self, base_cls) -> bool:
        if type(self).call is not base_cls.call:
            return False
        names = [self._act_name(self.activation)]
        if hasattr(self, "recurrent_activation"):
            names.append(self._act_name(self.recurrent_activation))
        return all(n in rnn_ops.FUSED_ACTIVATIONS for n in names)

    @staticmethod
    def _act_name(fn):
        try:
            return activations.serialize(fn)
        except ValueError:
            return None

    def _prepare_sequence(self, sequences, mask, training, go_backwards, time_major=False):
        """Input dropout, input projection and time reversal for the fused ops.

        With `time_major` the projections are `(timesteps, batch, features)`
        (`rnn_ops.time_major_dense`: the inputs are transposed before the
        projection, which is cheaper than transposing its 4x wider result); the
        mask stays `(batch, timesteps)`."""
        shape = ops.shape(sequences)
        dtype = self.kernel.dtype
        dp, rdp = self.dropout_masks(shape[0], shape[-1], training, dtype)
        if dp is not None:
            sequences = ops.multiply(sequences, dp[:, None, :])
        bias = self.bias
        if bias is not None and len(bias.shape) == 2:  # GRU reset_after: input bias row
            bias = rnn_ops.basic_slice(bias, 0)
        if time_major:
            xw = rnn_ops.time_major_dense(sequences, self.kernel, bias)
        else:
            xw = ops.dense(sequences, self.kernel, bias)
        if go_backwards:
            key = (slice(None, None, -1),) if time_major else (slice(None), slice(None, None, -1))
            xw = rnn_ops.basic_slice(xw, key)
            if mask is not None:
                mask = mask[:, ::-1]
        return xw, mask, rdp

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("kernel", "recurrent", "bias"), activity_regularizer=False),
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return cfg

    def step_dropout_masks(self, inputs, training, state=None):
        """Masks for step-by-step calls, drawn once per sequence (cleared by `RNN`).

        The input mask has the shape of `inputs`; the recurrent one that of `state`
        (default `(batch, units)`).
        """
        cached = getattr(self, "_step_masks", None)
        if cached is None:
            dp = rdp = None
            dtype = self.kernel.dtype
            shape = ops.shape(inputs)
            if training and 0.0 < self.dropout < 1.0:
                dp = self._mask(shape, self.dropout, dtype)
            if training and 0.0 < self.recurrent_dropout < 1.0:
                rshape = ops.shape(state) if state is not None else (shape[0], self.units)
                rdp = self._mask(rshape, self.recurrent_dropout, dtype)
            cached = self._step_masks = (dp, rdp)
        return cached

    def apply_step_dropout(self, inputs, h_prev, training, state=None):
        """`(inputs, h_prev)` multiplied by this step's dropout masks (where active).

        `state` sets the recurrent mask's shape as in `step_dropout_masks`.
        """
        dp, rdp = self.step_dropout_masks(inputs, training, state=state)
        if dp is not None:
            inputs = ops.multiply(inputs, dp)
        return inputs, (h_prev if rdp is None else ops.multiply(h_prev, rdp))

    def reset_dropout_mask(self):
        self._step_masks = None
