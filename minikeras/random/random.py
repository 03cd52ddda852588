"""`keras.random`: seeded random draws on NumPy.

Every function takes `seed`: None (the global generator, reseeded by
`keras.utils.set_random_seed`), an integer (stateless: the same seed gives the
same values), or a `SeedGenerator` (stateful: each draw advances it).
"""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.random.seed_generator import draw_generator


def _shape(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _float_dtype(dtype) -> str:
    dtype = config.standardize_dtype(dtype)
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"Expected a float dtype. Received: dtype={dtype}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution.

    Args:
        shape: Output shape.
        mean: Mean of the distribution.
        stddev: Standard deviation.
        dtype: Float dtype (default `floatx()`).
        seed: None, an integer or a `SeedGenerator`.

    Returns:
        A NumPy array.
    """
    rng = draw_generator(seed)
    out = rng.standard_normal(_shape(shape)) * stddev + mean
    return out.astype(_float_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws uniformly from `[minval, maxval)`."""
    dtype = config.standardize_dtype(dtype)
    if np.dtype(dtype).kind in "iu":
        raise ValueError(
            "`keras.random.uniform` requires a floating point `dtype`. Use "
            f"`keras.random.randint` for integers. Received: dtype={dtype}"
        )
    rng = draw_generator(seed)
    return rng.uniform(minval, maxval, _shape(shape)).astype(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws, with values further than two standard deviations redrawn."""
    rng = draw_generator(seed)
    shape = _shape(shape)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return (z * stddev + mean).astype(_float_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from `[minval, maxval)`."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        raise ValueError(
            f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype.name}"
        )
    rng = draw_generator(seed)
    return rng.integers(minval, maxval, _shape(shape)).astype(dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws class indices from unnormalised log-probabilities.

    Args:
        logits: `(batch_size, num_classes)` array of log-odds.
        num_samples: Samples per row.

    Returns:
        `(batch_size, num_samples)` integer array.
    """
    logits = np.asarray(value_of(logits), dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits.shape={logits.shape}"
        )
    rng = draw_generator(seed)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = rng.random((logits.shape[0], int(num_samples)))
    idx = (u[:, :, None] > cdf[:, None, :]).sum(axis=-1)
    return np.minimum(idx, logits.shape[1] - 1).astype(dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes each entry with probability `rate` and scales the rest by `1 / (1 - rate)`.

    Differentiable in `inputs`.
    """
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate}")
    x = value_of(inputs)
    shape = x.shape
    if noise_shape is not None:
        shape = tuple(s if n is None else n for s, n in zip(x.shape, noise_shape))
    rng = draw_generator(seed)
    keep = rng.random(shape) >= rate
    return ops.multiply(inputs, (keep / (1.0 - rate)).astype(x.dtype))


def shuffle(x, axis=0, seed=None):
    """Shuffles `x` along `axis` (differentiable)."""
    n = np.shape(value_of(x))[axis]
    perm = draw_generator(seed).permutation(n)
    return ops.take(x, perm, axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    """Draws from a gamma distribution with concentration `alpha` and scale 1."""
    rng = draw_generator(seed)
    return rng.gamma(np.asarray(value_of(alpha)), 1.0, _shape(shape)).astype(_float_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draws the number of successes of `counts` trials with success `probabilities`."""
    rng = draw_generator(seed)
    out = rng.binomial(
        np.asarray(value_of(counts)).astype(np.int64),
        np.asarray(value_of(probabilities), dtype=np.float64),
        _shape(shape),
    )
    return out.astype(_float_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draws from a beta distribution with parameters `alpha` and `beta`."""
    rng = draw_generator(seed)
    out = rng.beta(
        np.asarray(value_of(alpha), dtype=np.float64),
        np.asarray(value_of(beta), dtype=np.float64),
        _shape(shape),
    )
    return out.astype(_float_dtype(dtype))
