"""`HashedCrossing`: crosses categorical features into hashed bins (`tf.sparse.cross_hashed`)."""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.layers.preprocessing import hash_functions
from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, to_array

_HASH_KEY = np.uint64(0xDECAFCAFFE)  # TensorFlow's default `hash_key` of cross_hashed


def _feature_hash(arr: np.ndarray) -> np.ndarray:
    """String features: their Fingerprint64; integer features: their value as 64 bits."""
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64).view(np.uint64)
    return hash_functions.fingerprint64([str(v) for v in arr.tolist()])


class HashedCrossing(DataLayer):
    """Crosses two or more categorical features into `num_bins` bins, as Keras 3 on TensorFlow.

    Each row's features are combined with TensorFlow's `FingerprintCat64` over
    their hashes (FarmHash Fingerprint64 for strings, the value for integers).

    Args:
        num_bins: Number of hash bins.
        output_mode: `"int"` or `"one_hot"`.
        sparse: Only False.

    Example:
        >>> HashedCrossing(num_bins=5)((np.array(["A", "B"]), np.array([101, 102]))).shape
        (2,)
    """

    _array_input = False

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        self.output_mode = check_output_mode(output_mode, ("int", "one_hot"), "HashedCrossing")
        self.dtype = dtype or ("int64" if self.output_mode == "int" else config.floatx())
        if sparse:
            raise ValueError("minikeras has no sparse tensors: `sparse=True` is not supported.")
        self.num_bins, self.sparse = int(num_bins), False

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of at least "
                f"two inputs. Received: inputs={inputs}"
            )
        arrays = [to_array(x) for x in inputs]
        shape = arrays[0].shape
        if any(a.shape != shape for a in arrays):
            raise ValueError(
                "Expected the input tensors to have identical shapes. Received "
                f"shapes {[a.shape for a in arrays]}"
            )
        if len(shape) == 2 and shape[-1] != 1:
            raise ValueError(
                "Expected each input of `HashedCrossing` to have shape (batch,) or "
                f"(batch, 1). Received shape {shape}"
            )
        h = np.full(arrays[0].size, _HASH_KEY, dtype=np.uint64)
        for a in arrays:
            h = hash_functions.fingerprint_cat64(h, _feature_hash(a.ravel()))
        out = (h % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        return encode_categorical(out, self.output_mode, self.num_bins, dtype=self.dtype)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self) -> dict:
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": False,
            "name": self.name,
            "dtype": self.dtype,
        }
