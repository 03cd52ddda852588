"""`Discretization`: buckets continuous values by boundaries given or learned by `adapt`.

`adapt` keeps a small weighted quantile summary (values and the counts they
stand for) that is merged batch by batch and compressed to about `1/epsilon`
points, the scheme Keras 3 uses, so the learned boundaries are Keras's.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, iterate_batches


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """`[points, weights]` of one batch: every `step`-th sorted value, weighing `step`."""
    ordered = np.sort(np.ravel(values))
    step = max(ordered.size / (1.0 / epsilon), 1)
    points = ordered[int(step - 1) :: int(step)]
    return np.stack([points, np.full_like(points, step)])


def compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-samples a summary at cumulative-weight fractions `epsilon, 2 epsilon, ..., 1`."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = np.cumsum(summary[1])
    position = cumulative / cumulative[-1]
    points = np.interp(fractions, position, summary[0])
    cum_at = np.interp(fractions, position, cumulative)
    weights = np.diff(cum_at, prepend=0.0)
    return np.stack((points, weights)).astype("float32")


def merge(a: np.ndarray, b: np.ndarray, epsilon: float) -> np.ndarray:
    both = np.concatenate((a, b), axis=1)
    return compress(both[:, np.argsort(both[0])], epsilon)


class Discretization(DataLayer):
    """Maps each value to the index of its bucket (`boundaries[i-1] <= x < boundaries[i]`).

    Args:
        bin_boundaries: Sorted boundaries; or None with `num_bins` and `adapt`.
        num_bins: Number of bins `adapt` learns (quantiles of the data).
        epsilon: Error tolerance of the quantile summary (default 0.01).
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"` or `"count"`.
        sparse: Only False.

    Example:
        >>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(np.array([[-1.5, 1.0, 3.4, 0.5]]))
        array([[0, 2, 3, 1]], dtype=int32)
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
        **kwargs,
    ):
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        self.output_mode = check_output_mode(
            output_mode, ("int", "one_hot", "multi_hot", "count"), "Discretization"
        )
        if sparse:
            raise ValueError("minikeras has no sparse tensors: `sparse=True` is not supported.")
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins, self.epsilon, self.sparse = num_bins, float(epsilon), False
        self.dtype = dtype or config.floatx()
        self.reset_state()

    def reset_state(self) -> None:
        self.summary = np.zeros((2, 0), dtype="float32")

    def update_state(self, data) -> None:
        self.summary = merge(
            summarize(np.asarray(data, dtype="float32"), self.epsilon), self.summary, self.epsilon
        )

    def finalize_state(self) -> None:
        if self.num_bins is not None:
            self.bin_boundaries = compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def adapt(self, data, steps=None) -> None:
        """Learns `num_bins - 1` quantile boundaries from arrays or batches of data."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized "
                "with `bin_boundaries`, use `num_bins` instead."
            )
        self.reset_state()
        if isinstance(data, np.ndarray) or not hasattr(data, "__iter__"):
            self.update_state(data)
        else:
            for batch in iterate_batches(data, steps) if not isinstance(data, list) else [data]:
                self.update_state(batch)
        self.finalize_state()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time or "
                "call `adapt(dataset)` before you can start using the `Discretization` layer."
            )
        x = np.asarray(inputs, dtype="float32") if not isinstance(inputs, np.ndarray) else inputs
        idx = np.digitize(x, np.asarray(self.bin_boundaries, dtype=x.dtype))
        dtype = "int32" if self.output_mode == "int" else self.dtype
        return encode_categorical(idx, self.output_mode, len(self.bin_boundaries) + 1, dtype=dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return tuple(input_shape[:-1]) + (depth,)
            return tuple(input_shape) + (depth,)
        return (input_shape[0], *input_shape[2:], depth) if len(input_shape) >= 2 else (depth,)

    def _output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.dtype

    def get_config(self) -> dict:
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": False,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if boundaries is not None and config.get("num_bins") is not None:
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(bin_boundaries=boundaries, **config)
