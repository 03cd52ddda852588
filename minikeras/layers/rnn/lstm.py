"""`LSTMCell` and `LSTM` (Hochreiter 1997), Keras weight layout: gates i, f, c, o."""

from __future__ import annotations

import numpy as np

from minikeras import activations, initializers, ops
from minikeras.layers.rnn.base_cell import BaseRNNCell
from minikeras.layers.rnn.simple_rnn import SimpleRNN
from minikeras.ops import rnn as rnn_ops


def lstm_gates(z, c_prev, activation, recurrent_activation):
    """One LSTM step from the pre-activations `z` (gates i, f, c, o): `h, [h, c]`."""
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
    i = recurrent_activation(z_i)
    f = recurrent_activation(z_f)
    c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, activation(z_c)))
    o = recurrent_activation(z_o)
    h = ops.multiply(o, activation(c))
    return h, [h, c]


class _UnitForgetBias(initializers.Initializer):
    """Bias initializer: `bias_initializer` everywhere except ones on the forget gate."""

    def __init__(self, base, units):
        self.base = base
        self.units = units

    def __call__(self, shape, dtype=None):
        u = self.units
        return np.concatenate(
            [
                np.asarray(self.base((u,), dtype=dtype)),
                np.ones((u,), dtype=dtype or "float32"),
                np.asarray(self.base((2 * u,), dtype=dtype)),
            ]
        )


class LSTMCell(BaseRNNCell):
    """Cell class for the LSTM layer.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation of the candidate and the output (default `tanh`).
        recurrent_activation: Activation of the gates (default `sigmoid`).
        unit_forget_bias: Initialize the forget-gate bias to ones (default True).
        Other arguments: as in `BaseRNNCell`.

    The kernel is `(input_dim, 4 * units)`, the recurrent kernel
    `(units, 4 * units)` and the bias `(4 * units,)`, gates in the order
    input, forget, cell candidate, output, exactly as in Keras.
    """

    gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(
                f"The last dimension of the inputs to LSTMCell should be defined. "
                f"Received input shape: {input_shape}"
            )
        init = _UnitForgetBias(self.bias_initializer, self.units) if self.unit_forget_bias else None
        self._build_kernels(int(input_shape[-1]), bias_initializer=init)
        self.built = True

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        inputs, h_in = self.apply_step_dropout(inputs, h_prev, training)
        z = ops.add(
            ops.dense(inputs, self.kernel, self.bias), ops.matmul(h_in, self.recurrent_kernel)
        )
        return lstm_gates(z, c_prev, self.activation, self.recurrent_activation)

    def fused_sequence(self, sequences, initial_state, mask, training, go_backwards):
        """Whole-sequence forward with one fused BPTT op, or None if not fusable."""
        if not self._fusable(LSTMCell):
            return None
        xw, mask, rdp = self._prepare_sequence(
            sequences, mask, training, go_backwards, time_major=True
        )
        hc = rnn_ops.lstm_sequence_time_major(
            xw,
            initial_state[0],
            initial_state[1],
            self.recurrent_kernel,
            mask,
            rdp,
            self._act_name(self.activation),
            self._act_name(self.recurrent_activation),
        )
        outputs = ops.transpose(rnn_ops.basic_slice(hc, 0), (1, 0, 2))
        h = rnn_ops.basic_slice(hc, (0, -1))
        c = rnn_ops.basic_slice(hc, (1, -1))
        return outputs, h, [h, c]

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        cfg["unit_forget_bias"] = self.unit_forget_bias
        return cfg


class LSTM(SimpleRNN):
    """Long Short-Term Memory layer (Hochreiter 1997).

    Args:
        units: Positive integer, dimensionality of the output space.
        activation, recurrent_activation, use_bias, unit_forget_bias, initializers,
        regularizers, constraints, dropout, recurrent_dropout, seed: as in `LSTMCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.

    With `return_state=True` the layer returns `[output, h, c]`. Training uses a
    fused back-propagation-through-time kernel for the default activations.

    Example:
        >>> LSTM(4, return_sequences=True)(np.zeros((32, 10, 8), "float32")).shape
        (32, 10, 4)
    """

    cell_class = LSTMCell
