"""`CategoryEncoding`: integer category ids to one-hot, multi-hot or count vectors."""

from __future__ import annotations

import numpy as np

from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, to_array


class CategoryEncoding(DataLayer):
    """Encodes integer features as `one_hot`, `multi_hot` or `count` vectors.

    Args:
        num_tokens: Number of categories; inputs must be in `[0, num_tokens)`.
        output_mode: `"multi_hot"` (default), `"one_hot"` or `"count"`.
        sparse: Only False.

    Call arguments:
        inputs: Integer array of rank 0, 1 or 2.
        count_weights: Weights summed per category in `"count"` mode.

    Example:
        >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])
        array([[0., 0., 0., 1.],
               [0., 0., 1., 0.],
               [1., 0., 0., 0.],
               [0., 1., 0., 0.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        self.output_mode = check_output_mode(
            output_mode, ("count", "one_hot", "multi_hot"), "CategoryEncoding"
        )
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens "
                "is not known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("minikeras has no sparse tensors: `sparse=True` is not supported.")
        self.num_tokens, self.sparse = int(num_tokens), False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                "`count_weights` is not used when `output_mode` is not `'count'`. "
                f"Received `count_weights={count_weights}`."
            )
        idx = np.asarray(to_array(inputs))
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_tokens):
            raise ValueError(
                f"Input values must be in the range 0 <= values < num_tokens with "
                f"num_tokens={self.num_tokens}. Received: values in [{idx.min()}, {idx.max()}]"
            )
        return encode_categorical(
            idx.astype(np.int64),
            self.output_mode,
            self.num_tokens,
            dtype=self.dtype,
            count_weights=count_weights,
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return cfg
