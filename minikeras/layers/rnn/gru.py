"""`GRUCell` and `GRU` (Cho et al. 2014), Keras weight layout: gates z, r, h."""

from __future__ import annotations

from minikeras import activations, ops
from minikeras.layers.rnn.base_cell import BaseRNNCell
from minikeras.layers.rnn.simple_rnn import SimpleRNN
from minikeras.ops import rnn as rnn_ops


class GRUCell(BaseRNNCell):
    """Cell class for the GRU layer.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the candidate state (default `tanh`).
        recurrent_activation: Activation of the update/reset gates (default `sigmoid`).
        reset_after: Apply the reset gate after the recurrent matmul (Keras 3
            default; bias shape `(2, 3 * units)`: input and recurrent biases) or
            before it (`False`: Keras 2 "original" GRU, bias `(3 * units,)`).
        Other arguments: as in `BaseRNNCell`.
    """

    gates = 3

    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs
    ):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(
                f"The last dimension of the inputs to GRUCell should be defined. "
                f"Received input shape: {input_shape}"
            )
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_kernels(int(input_shape[-1]), bias_shape=shape)
        self.built = True

    def _biases(self):
        if self.bias is None:
            return None, None
        if not self.reset_after:
            return self.bias, None
        return rnn_ops.basic_slice(self.bias, 0), rnn_ops.basic_slice(self.bias, 1)

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        inputs, h_in = self.apply_step_dropout(inputs, h_prev, training)
        b_in, b_rec = self._biases()
        u = self.units
        x = ops.dense(inputs, self.kernel, b_in)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        if self.reset_after:
            hu = ops.matmul(h_in, self.recurrent_kernel)
            if b_rec is not None:
                hu = ops.add(hu, b_rec)
            r_z, r_r, r_h = ops.split(hu, 3, axis=-1)
            z = self.recurrent_activation(ops.add(x_z, r_z))
            r = self.recurrent_activation(ops.add(x_r, r_r))
            hh = self.activation(ops.add(x_h, ops.multiply(r, r_h)))
        else:
            u_zr = rnn_ops.basic_slice(self.recurrent_kernel, (slice(None), slice(0, 2 * u)))
            u_h = rnn_ops.basic_slice(self.recurrent_kernel, (slice(None), slice(2 * u, 3 * u)))
            r_z, r_r = ops.split(ops.matmul(h_in, u_zr), 2, axis=-1)
            z = self.recurrent_activation(ops.add(x_z, r_z))
            r = self.recurrent_activation(ops.add(x_r, r_r))
            hh = self.activation(ops.add(x_h, ops.matmul(ops.multiply(r, h_in), u_h)))
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), hh))
        return h, [h]

    def fused_sequence(self, sequences, initial_state, mask, training, go_backwards):
        """Whole-sequence forward with one fused BPTT op, or None if not fusable."""
        if not self._fusable(GRUCell):
            return None
        xw, mask, rdp = self._prepare_sequence(sequences, mask, training, go_backwards)
        _, b_rec = self._biases()
        hs = rnn_ops.gru_sequence(
            xw,
            initial_state[0],
            self.recurrent_kernel,
            b_rec,
            mask,
            rdp,
            self.reset_after,
            self._act_name(self.activation),
            self._act_name(self.recurrent_activation),
        )
        last = rnn_ops.basic_slice(hs, (slice(None), -1))
        return hs, last, [last]

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        cfg["reset_after"] = self.reset_after
        return cfg


class GRU(SimpleRNN):
    """Gated Recurrent Unit layer (Cho et al. 2014).

    Args:
        units: Positive integer, dimensionality of the output space.
        activation, recurrent_activation, use_bias, initializers, regularizers,
        constraints, dropout, recurrent_dropout, seed, reset_after: as in `GRUCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.

    Use `reset_after=False` to load Keras 2 weights of the original GRU
    (bias shape `(3 * units,)`).
    """

    cell_class = GRUCell
