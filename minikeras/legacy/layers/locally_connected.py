"""`LocallyConnected1D` and `LocallyConnected2D`: convolutions whose weights differ at
every output position (Keras 1 and 2; Keras 3 dropped them).

Every output position `p` multiplies its input patch with its own kernel
`W[p]` of shape `(patch_size, filters)`; the patch lists its entries in input
order: `(*kernel_size, channels)` for `channels_last`, `(channels,
*kernel_size)` for `channels_first`. That one formula serves the three weight
layouts tf_keras could store (`implementation`):

- 1: `W` itself, shape `(n_positions, patch_size, filters)` (also Keras 1's);
- 2: a dense input-by-output matrix, `(*input_spatial, channels_in,
  *output_spatial, filters)` (channels first: `(channels_in, *input_spatial,
  filters, *output_spatial)`), of which only the connected entries are used;
- 3: the connected entries alone, a vector in the order of their sorted
  `(output index, input index)` pairs.

For 2 and 3, `W` is gathered from the stored weight with a fixed index table.
The bias has shape `(*output_spatial, filters)`; with `channels_first` it is
*reshaped* (not transposed) to `(filters, *output_spatial)`, as Keras 1 and 2 did.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minikeras import activations, ops
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import (
    check_ndim,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role


def _output_size(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-size // stride)
    return (size - kernel) // stride + 1


class _LocallyConnected(Layer):
    rank = 0

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple,
        strides: int | tuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        activation: str | Callable | None = None,
        use_bias: bool = True,
        kernel_initializer: str | dict | Callable = "glorot_uniform",
        bias_initializer: str | dict | Callable = "zeros",
        kernel_regularizer: str | dict | Callable | None = None,
        bias_regularizer: str | dict | Callable | None = None,
        activity_regularizer: str | dict | Callable | None = None,
        kernel_constraint: str | dict | Callable | None = None,
        bias_constraint: str | dict | Callable | None = None,
        implementation: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(
                "Received an invalid value for `filters`, expected a positive integer. "
                f"Received: filters={filters}"
            )
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        if implementation not in (1, 2, 3):
            raise ValueError(
                f"Received an invalid value for `implementation`, expected 1, 2 or 3. "
                f"Received: implementation={implementation}"
            )
        if self.padding != "valid" and implementation == 1:
            raise ValueError(
                f"Invalid padding for {type(self).__name__}: only 'valid' is supported with "
                f"implementation=1. Received: padding={padding!r} (use implementation=2 or 3)."
            )
        self.implementation = implementation
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    # ------------------------------------------------------------------ geometry

    def _split_shape(self, input_shape):
        check_ndim(self, input_shape, self.rank + 2)
        shape = tuple(input_shape)
        if self.data_format == "channels_first":
            channels, spatial = shape[1], shape[2:]
        else:
            channels, spatial = shape[-1], shape[1:-1]
        if channels is None or any(d is None for d in spatial):
            raise ValueError(
                f"The spatial dimensions and channels of the inputs to {type(self).__name__} "
                f"'{self.name}' should be fully defined. Received input shape {shape}"
            )
        spatial = tuple(int(d) for d in spatial)
        out = tuple(
            _output_size(s, k, st, self.padding)
            for s, k, st in zip(spatial, self.kernel_size, self.strides)
        )
        if any(d <= 0 for d in out):
            raise ValueError(
                f"One of the dimensions in the output of {type(self).__name__} '{self.name}' "
                f"is <= 0: input shape {shape} with kernel_size={self.kernel_size} and "
                f"strides={self.strides}. Use a larger input."
            )
        return int(channels), spatial, out

    def _connections(self):
        """`(flat input index (P, K), valid (P, K))` of every output position's patch
        entries, in row-major order of positions and kernel offsets."""
        shift = [k // 2 if self.padding == "same" else 0 for k in self.kernel_size]
        outs = np.array(list(itertools.product(*[range(d) for d in self._out_spatial])))
        offs = np.array(list(itertools.product(*[range(k) for k in self.kernel_size])))
        pos = outs[:, None, :] * np.array(self.strides) + offs[None, :, :] - np.array(shift)
        valid = np.all((pos >= 0) & (pos < np.array(self._in_spatial)), axis=-1)
        clipped = np.moveaxis(np.where(valid[..., None], pos, 0), -1, 0)
        return np.ravel_multi_index(tuple(clipped), self._in_spatial), valid

    def _kernel_gather(self, in_flat, valid):
        """Index of each `W[p, patch entry, filter]` in the flat stored weight (2 and 3);
        for 3 it also sets `_n_connections`, the length of that weight."""
        channels, filters = self._channels, self.filters
        n_pos = valid.shape[0]
        in_sp = in_flat[:, :, None, None]
        p = np.arange(n_pos)[:, None, None, None]
        c = np.arange(channels)[None, None, :, None]
        f = np.arange(filters)[None, None, None, :]
        n_in, n_out = math.prod(self._in_spatial), n_pos
        first = self.data_format == "channels_first"
        if self.implementation == 2:
            if first:  # (C, *S, F, *O)
                index = ((c * n_in + in_sp) * filters + f) * n_out + p
            else:  # (*S, C, *O, F)
                index = ((in_sp * channels + c) * n_out + p) * filters + f
        else:
            out_idx = f * n_out + p if first else p * filters + f
            in_idx = c * n_in + in_sp if first else in_sp * channels + c
            key = out_idx * (n_in * channels) + in_idx
            keys = np.sort(key[np.broadcast_to(valid[:, :, None, None], key.shape)])
            index = np.searchsorted(keys, key)
            self._n_connections = keys.size
        index = np.where(valid[:, :, None, None], index, 0)  # padded entries meet zeros
        if first:
            index = index.transpose(0, 2, 1, 3)
        return index.reshape(n_pos, -1, filters)

    def build(self, input_shape):
        self._channels, self._in_spatial, self._out_spatial = self._split_shape(input_shape)
        in_flat, valid = self._connections()
        self._padded = not bool(valid.all())
        # Entries outside the input read the zero appended after the last input position.
        self._patch_index = np.where(valid, in_flat, math.prod(self._in_spatial))
        channels, filters = self._channels, self.filters
        self._gather = None
        if self.implementation == 1:
            shape = (valid.shape[0], valid.shape[1] * channels, filters)
        else:
            self._gather = self._kernel_gather(in_flat, valid)
            if self.implementation == 3:
                shape = (self._n_connections,)
            elif self.data_format == "channels_first":
                shape = (channels, *self._in_spatial, filters, *self._out_spatial)
            else:
                shape = (*self._in_spatial, channels, *self._out_spatial, filters)
        self.kernel = add_role_weight(self, "kernel", shape)
        self.bias = None
        if self.use_bias:
            self.bias = add_role_weight(self, "bias", (*self._out_spatial, filters))
        self.built = True

    # ------------------------------------------------------------------ computation

    def _patches(self, inputs):
        """`(batch, n_positions, patch_size)`; positions outside the input read zeros."""
        n_in, channels = math.prod(self._in_spatial), self._channels
        first = self.data_format == "channels_first"
        flat = ops.reshape(inputs, (-1, channels, n_in) if first else (-1, n_in, channels))
        axis = 2 if first else 1
        if self._padded:
            pads = [[0, 0], [0, 0], [0, 1]] if first else [[0, 0], [0, 1], [0, 0]]
            flat = ops.pad(flat, pads)
        patches = ops.take(flat, self._patch_index, axis=axis)
        if first:  # (B, C, P, K) -> (B, P, C, K)
            patches = ops.transpose(patches, (0, 2, 1, 3))
        n_pos = self._patch_index.shape[0]
        return ops.reshape(patches, (-1, n_pos, self._patch_index.shape[1] * channels))

    def call(self, inputs):
        kernel = self.kernel
        if self._gather is not None:
            kernel = ops.take(ops.reshape(kernel, (-1,)), self._gather)
        out = ops.einsum("bpk,pkf->bpf", self._patches(inputs), kernel)
        if self.data_format == "channels_first":
            out = ops.reshape(ops.transpose(out, (0, 2, 1)), (-1, self.filters, *self._out_spatial))
            if self.bias is not None:
                out = out + ops.reshape(self.bias, (1, self.filters, *self._out_spatial))
        else:
            out = ops.reshape(out, (-1, *self._out_spatial, self.filters))
            if self.bias is not None:
                out = out + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        _, _, out = self._split_shape(input_shape)
        batch = tuple(input_shape)[0]
        if self.data_format == "channels_first":
            return (batch, self.filters, *out)
        return (batch, *out, self.filters)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("kernel", "bias")),
                "implementation": self.implementation,
            }
        )
        return cfg


class LocallyConnected1D(_LocallyConnected):
    """Locally-connected layer for 1D inputs: a Conv1D with unshared weights.

    `keras.layers.LocallyConnected1D(filters, kernel_size, strides=1, padding="valid",
    data_format=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
    bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
    activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
    implementation=1, **kwargs)` as in Keras 2 (see the module docstring for the
    weight layouts of `implementation`).
    """

    rank = 1


class LocallyConnected2D(_LocallyConnected):
    """Locally-connected layer for 2D inputs: a Conv2D with unshared weights.

    `keras.layers.LocallyConnected2D(filters, kernel_size, strides=(1, 1), padding="valid",
    data_format=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
    bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
    activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
    implementation=1, **kwargs)` as in Keras 2 (see the module docstring for the
    weight layouts of `implementation`).
    """

    rank = 2
