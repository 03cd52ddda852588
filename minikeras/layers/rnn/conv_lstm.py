"""`ConvLSTM2DCell` and `ConvLSTM2D`: an LSTM whose transformations are 2-D convolutions."""

from __future__ import annotations

import math

import numpy as np

from minikeras import activations, ops
from minikeras.layers.rnn.base_cell import BaseRNNCell
from minikeras.layers.rnn.lstm import _UnitForgetBias, lstm_gates
from minikeras.layers.rnn.rnn import RNN, check_sequence_rank
from minikeras.layers.rnn.simple_rnn import SimpleRNN
from minikeras.layers.weight_roles import add_role_weight
from minikeras.ops import rnn as rnn_ops
from minikeras.utils.naming import to_snake_case


def _pair(value, name):
    if isinstance(value, int):
        return (value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(
            f"The `{name}` argument must be a tuple of 2 integers. Received: {name}={value}"
        )
    return value


def conv_output_length(n, k, stride, padding, dilation=1):
    """Output length of a convolution along one axis (Keras' rule)."""
    if n is None:
        return None
    k_eff = (k - 1) * dilation + 1
    if padding == "same":
        return -(-n // stride)
    return (n - k_eff) // stride + 1


def im2col(x, kernel_size, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """`(N, H, W, C)` → `(N, H', W', kh * kw * C)` patches, composed of differentiable ops.

    The patch features are ordered `(i, j, c)`, matching a `(kh, kw, C, filters)`
    kernel reshaped to `(kh * kw * C, filters)`.
    """
    n, h, w, _ = ops.shape(x)
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    ho = conv_output_length(h, kh, sh, padding, dh)
    wo = conv_output_length(w, kw, sw, padding, dw)
    if padding == "same":
        ph = max((ho - 1) * sh + (kh - 1) * dh + 1 - h, 0)
        pw = max((wo - 1) * sw + (kw - 1) * dw + 1 - w, 0)
        if ph or pw:
            x = ops.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    patches = []
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dh, j * dw
            patches.append(
                rnn_ops.basic_slice(
                    x,
                    (
                        slice(None),
                        slice(r0, r0 + (ho - 1) * sh + 1, sh),
                        slice(c0, c0 + (wo - 1) * sw + 1, sw),
                        slice(None),
                    ),
                )
            )
    return patches[0] if len(patches) == 1 else ops.concatenate(patches, axis=-1)


class ConvLSTM2DCell(BaseRNNCell):
    """Cell class for `ConvLSTM2D`: LSTM gates computed by 2-D convolutions.

    Args:
        filters: Number of output filters.
        kernel_size: Integer or pair, the convolution window.
        strides: Strides of the input convolution (the recurrent one uses 1).
        padding: `"valid"` or `"same"` for the input convolution (the recurrent
            convolution is always `"same"`).
        data_format: Only `"channels_last"` is supported.
        dilation_rate: Dilation of the input convolution.
        recurrent_activation, unit_forget_bias: as in `LSTMCell`.
        Other arguments: as in `BaseRNNCell` (activation, initializers, ...).
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(filters, **kwargs)
        self.filters = self.units
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding}")
        self.data_format = data_format or "channels_last"
        if self.data_format != "channels_last":
            raise ValueError(
                "ConvLSTM2D supports data_format='channels_last' only. Received: "
                f"data_format={data_format!r}; transpose the inputs with `Permute`."
            )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.filters, self.filters]
        self._spatial = None

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "ConvLSTM2DCell expects inputs of shape (batch, rows, cols, "
                f"channels) with known channels. Received: {input_shape}"
            )
        kh, kw = self.kernel_size
        f4 = 4 * self.filters
        self._spatial = self.output_spatial(input_shape[1:3])
        self.kernel = add_role_weight(self, "kernel", (kh, kw, input_shape[-1], f4))
        self.recurrent_kernel = add_role_weight(
            self, "recurrent", (kh, kw, self.filters, f4), name="recurrent_kernel"
        )
        self.bias = None
        if self.use_bias:
            init = (
                _UnitForgetBias(self.bias_initializer, self.filters)
                if self.unit_forget_bias
                else None
            )
            self.bias = add_role_weight(self, "bias", (f4,), initializer=init)
        self.built = True

    def output_spatial(self, spatial):
        return tuple(
            conv_output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def get_initial_state(self, batch_size=None):
        zeros = np.zeros((batch_size, *self._spatial, self.filters), dtype=self.dtype)
        return [zeros, zeros.copy()]

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        inputs, h_in = self.apply_step_dropout(inputs, h_prev, training, state=h_prev)
        kh, kw = self.kernel_size
        f4 = 4 * self.filters
        k = ops.reshape(self.kernel, (math.prod(self.kernel.shape[:3]), f4))
        rk = ops.reshape(self.recurrent_kernel, (kh * kw * self.filters, f4))
        x = ops.dense(
            im2col(inputs, self.kernel_size, self.strides, self.padding, self.dilation_rate),
            k,
            self.bias,
        )
        z = ops.add(x, ops.dense(im2col(h_in, self.kernel_size, (1, 1), "same"), rk))
        return lstm_gates(z, c_prev, self.activation, self.recurrent_activation)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["units"]
        cfg.update(
            {
                "filters": self.filters,
                "kernel_size": list(self.kernel_size),
                "strides": list(self.strides),
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias,
            }
        )
        return cfg


_RNN_KEYS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
    "name",
    "trainable",
    "dtype",
    "activity_regularizer",
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "weights",
)


class ConvLSTM2D(SimpleRNN):
    """2-D convolutional LSTM over `(batch, time, rows, cols, channels)` inputs.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate,
        activation, recurrent_activation, use_bias, initializers, regularizers,
        constraints, dropout, recurrent_dropout, seed: as in `ConvLSTM2DCell`.
        return_sequences, return_state, go_backwards, stateful: as in `RNN`.

    Runs step by step (each step's convolutions are recorded on the tape).
    """

    cell_class = ConvLSTM2DCell
    _input_rank = 5
    _input_layout = "(batch, time, rows, cols, channels)"

    def __init__(self, filters, kernel_size, **kwargs):
        outer = {k: kwargs.pop(k) for k in _RNN_KEYS if k in kwargs}
        cell = ConvLSTM2DCell(
            filters,
            kernel_size,
            name=to_snake_case("ConvLSTMCell"),
            dtype=outer.get("dtype"),
            **kwargs,
        )
        RNN.__init__(self, cell, **outer)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and isinstance(input_shape[0], (list, tuple)):
            input_shape = input_shape[0]
        check_sequence_rank(self, input_shape)
        b, t = input_shape[0], input_shape[1]
        spatial = self.cell.output_spatial(input_shape[2:4])
        state = (b, *spatial, self.cell.filters)
        out = (b, t, *spatial, self.cell.filters) if self.return_sequences else state
        return [out, state, state] if self.return_state else out
