"""`Hashing`: strings or integers to hash bins, with TensorFlow's hashes."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.layers.preprocessing import hash_functions
from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, to_array


def check_salt(salt):
    """Keras' salt forms: None, an integer (used twice) or a pair of integers."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return [int(s) for s in salt]
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(
        "The `salt` argument for `Hashing` can only be a tuple of size 2 "
        f"integers, or a single integer. Received: salt={salt}."
    )


def hash_to_bins(values: np.ndarray, num_bins: int, salt=None) -> np.ndarray:
    """Bins of `values` as `tf.strings.to_hash_bucket_fast/_strong` compute them.

    Integers (and floats, truncated to integers) are hashed as their decimal text.
    """
    arr = to_array(values)
    if arr.dtype.kind == "f":
        arr = arr.astype(np.int64)
    text = [v if isinstance(v, str) else str(int(v)) for v in arr.ravel().tolist()]
    h = (
        hash_functions.siphash(text, salt)
        if salt is not None
        else hash_functions.fingerprint64(text)
    )
    return (h % np.uint64(num_bins)).astype(np.int64).reshape(arr.shape)


class Hashing(DataLayer):
    """Hashes strings or integers into `num_bins` bins, exactly as Keras 3 on TensorFlow.

    Without `salt` the hash is FarmHash Fingerprint64; with a salt it is
    SipHash-2-4 keyed by the salt (`tf.strings.to_hash_bucket_fast` /
    `to_hash_bucket_strong`). Integers are hashed as their decimal text.

    Args:
        num_bins: Number of bins (including the mask bin if `mask_value` is set).
        mask_value: Value that maps to bin 0; others hash into bins 1..num_bins-1.
        salt: Integer or pair of integers for the keyed hash.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"` or `"count"`.
        sparse: Only False.

    Example:
        >>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"]]))
        array([[1], [0], [1]])
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        dtype = kwargs.pop("dtype", None)
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive "
                f"values. Received: num_bins={num_bins}."
            )
        self.output_mode = check_output_mode(
            output_mode, ("int", "one_hot", "multi_hot", "count"), "Hashing"
        )
        self.dtype = dtype or ("int64" if self.output_mode == "int" else config.floatx())
        if self.output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                'When `output_mode="int"`, `dtype` should be an integer type, '
                f"'int32' or 'int64'. Received: dtype={self.dtype}"
            )
        if sparse:
            raise ValueError("minikeras has no sparse tensors: `sparse=True` is not supported.")
        self.num_bins, self.mask_value, self.sparse = int(num_bins), mask_value, False
        self.salt = check_salt(salt)
        self.strong_hash = self.salt is not None

    def call(self, inputs):
        arr = to_array(inputs)
        if self.output_mode == "one_hot" and arr.ndim and arr.shape[-1] == 1:
            arr = arr[..., 0]
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = arr == self.mask_value
        out = hash_to_bins(arr, bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return encode_categorical(out, self.output_mode, self.num_bins, dtype=self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "num_bins": self.num_bins,
                "salt": self.salt,
                "mask_value": self.mask_value,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
            }
        )
        return cfg
