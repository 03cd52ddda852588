"""`Normalization`: shifts and scales features with a mean/variance given or learned by `adapt`."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.layers.layer import Layer


class Normalization(Layer):
    """Feature-wise normalization: `(x - mean) / max(sqrt(var), epsilon)`.

    Args:
        axis: Int, list of ints or None: the axes that keep their own
            statistics (default -1, one mean/variance per feature). None means
            a single scalar mean/variance.
        mean, variance: Optional statistics; if None, call `adapt(data)` (the
            statistics then live in non-trainable weights `mean`, `variance`, `count`).
        invert: If True, apply the inverse map `mean + x * sqrt(var)`.

    Example:
        >>> norm = Normalization()
        >>> norm.adapt(np.array([[0.0], [2.0]]))
        >>> norm(np.array([[1.0]]))
        array([[0.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (int(axis),) if isinstance(axis, int) else tuple(int(a) for a in axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.mean = self.variance = None

    def _keep_axes(self, ndim: int) -> tuple:
        for a in self.axis:
            if not -ndim <= a < ndim:
                raise ValueError(
                    "All `axis` values must be in the range [-ndim, ndim). Received inputs "
                    f"with ndim={ndim}, while axis={self.axis}"
                )
        return tuple(sorted(a % ndim for a in self.axis))

    def build(self, input_shape):
        ndim = len(input_shape)
        keep = self._keep_axes(ndim)
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with unknown axis "
                    f"at index {d}"
                )
        self._keep = keep
        self._broadcast_shape = [input_shape[d] if d in keep else 1 for d in range(ndim)]
        stat_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=stat_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=stat_shape, initializer="ones", trainable=False
            )
            self.count = self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
            self.mean = self.adapt_mean
            self.variance = self.adapt_variance
        else:
            dtype = config.standardize_dtype(self.dtype)
            self.mean = np.broadcast_to(
                np.asarray(self.input_mean, dtype=dtype), stat_shape
            ).reshape(self._broadcast_shape)
            self.variance = np.broadcast_to(
                np.asarray(self.input_variance, dtype=dtype), stat_shape
            ).reshape(self._broadcast_shape)
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of `data` (array, or iterable of batches)."""
        if isinstance(data, (np.ndarray, list, tuple)) or hasattr(data, "shape"):
            arrays = [np.asarray(value_of(data), dtype=np.float64)]
        else:
            arrays = [np.asarray(value_of(b), dtype=np.float64) for b in data]
        if not self.built:
            self._maybe_build((None, *arrays[0].shape[1:]))
        if self.input_mean is not None:
            raise ValueError(
                "Cannot `adapt` a Normalization layer given a fixed `mean` and `variance`."
            )
        full = np.concatenate([a.reshape(-1, *a.shape[1:]) for a in arrays], axis=0)
        reduce = tuple(d for d in range(full.ndim) if d not in self._keep)
        self.adapt_mean.assign(np.mean(full, axis=reduce))
        self.adapt_variance.assign(np.var(full, axis=reduce))
        self.count.assign(np.asarray(full.shape[0], dtype="int64"))

    def finalize_state(self) -> None:
        """Kept for API compatibility (statistics are final after `adapt`)."""

    def _stats(self):
        if isinstance(self.mean, np.ndarray):
            return self.mean, self.variance
        shape = self._broadcast_shape
        return self.mean.value.reshape(shape), self.variance.value.reshape(shape)

    def call(self, inputs):
        mean, variance = self._stats()
        x = ops.cast(inputs, self.dtype)
        scale = np.maximum(np.sqrt(variance), config.epsilon()).astype(self.dtype)
        if self.invert:
            return ops.add(mean, ops.multiply(x, scale))
        return ops.divide(ops.subtract(x, mean), scale)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()

        def plain(v):
            return v.tolist() if isinstance(v, np.ndarray) else v

        cfg.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": plain(self.input_mean),
                "variance": plain(self.input_variance),
            }
        )
        return cfg
