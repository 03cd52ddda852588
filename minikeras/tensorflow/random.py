"""`tf.random`: seeded draws on NumPy generators.

`set_seed` seeds the global generator (as `keras.utils.set_random_seed`). An
op-level `seed` gives that op its own generator: repeated calls continue its
sequence, and the same global and op seeds repeat the same draws. The
`stateless_*` functions return the same values for the same `seed` pair.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.tensorflow._convert import missing, np_dtype, out, shape_arg, val

_op_generators: dict = {}
_global_seed = [None]


def set_seed(seed):
    """`tf.random.set_seed`: seeds minikeras' (and NumPy's) global generators."""
    from minikeras.utils import set_random_seed

    set_random_seed(int(seed))
    _global_seed[0] = int(seed)
    _op_generators.clear()


def _rng(seed) -> np.random.Generator:
    if seed is None:
        return config.rng()
    key = int(seed)
    gen = _op_generators.get(key)
    if gen is None:
        base = _global_seed[0] if _global_seed[0] is not None else 87654321
        gen = _op_generators[key] = np.random.default_rng([base, key])
    return gen


def _stateless(seed) -> np.random.Generator:
    s = [int(v) for v in np.ravel(val(seed))]
    if len(s) != 2:
        raise ValueError(f"`seed` must be a shape [2] integer tensor. Received: {s}")
    return np.random.default_rng([v % 2**32 for v in s])


def _normal(rng, shape, mean, stddev, dtype):
    dt = np_dtype(dtype)
    z = rng.standard_normal(shape_arg(shape))
    return out((z * val(stddev) + val(mean)).astype(dt))


def _uniform(rng, shape, minval, maxval, dtype):
    dt = np_dtype(dtype)
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {np.dtype(dt).name}.")
        return out(
            rng.integers(int(val(minval)), int(val(maxval)), size=shape_arg(shape)).astype(dt)
        )
    hi = 1.0 if maxval is None else val(maxval)
    lo = val(minval)
    return out((rng.random(shape_arg(shape)) * (hi - lo) + lo).astype(dt))


def _truncated(rng, shape, mean, stddev, dtype):
    shape = shape_arg(shape)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return out((z * val(stddev) + val(mean)).astype(np_dtype(dtype)))


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """`tf.random.normal`."""
    return _normal(_rng(seed), shape, mean, stddev, dtype)


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    """`tf.random.uniform` in `[minval, maxval)` (integer dtypes need `maxval`)."""
    return _uniform(_rng(seed), shape, minval, maxval, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """`tf.random.truncated_normal`: normal draws re-drawn beyond two standard deviations."""
    return _truncated(_rng(seed), shape, mean, stddev, dtype)


def _categorical(rng, logits, num_samples, dtype):
    lg = val(logits).astype(np.float64)
    p = np.exp(lg - lg.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    draws = np.stack([rng.choice(p.shape[-1], size=int(num_samples), p=row) for row in p])
    return out(draws.astype(np_dtype(dtype or "int64")))


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`tf.random.categorical`: `[batch, num_samples]` class indices drawn from logits."""
    return _categorical(_rng(seed), logits, num_samples, dtype)


def shuffle(value, seed=None, name=None):
    """`tf.random.shuffle`: a random permutation along the first axis."""
    a = val(value)
    return out(a[_rng(seed).permutation(len(a))])


def gamma(shape, alpha, beta=None, dtype="float32", seed=None, name=None):
    """`tf.random.gamma`: shape `shape + alpha.shape`."""
    a = val(alpha)
    scale = 1.0 if beta is None else 1.0 / val(beta)
    draws = _rng(seed).gamma(a, scale, size=(*shape_arg(shape), *a.shape))
    return out(draws.astype(np_dtype(dtype)))


def poisson(shape, lam, dtype="float32", seed=None, name=None):
    """`tf.random.poisson`: shape `shape + lam.shape`."""
    lam_a = val(lam)
    return out(
        _rng(seed).poisson(lam_a, size=(*shape_arg(shape), *lam_a.shape)).astype(np_dtype(dtype))
    )


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None, alg=None):
    """`tf.random.stateless_normal`: the same `seed` pair gives the same values."""
    return _normal(_stateless(seed), shape, mean, stddev, dtype)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype="float32", name=None, alg=None):
    """`tf.random.stateless_uniform`."""
    return _uniform(_stateless(seed), shape, minval, maxval, dtype)


def stateless_truncated_normal(
    shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None, alg=None
):
    """`tf.random.stateless_truncated_normal`."""
    return _truncated(_stateless(seed), shape, mean, stddev, dtype)


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    """`tf.random.stateless_categorical`."""
    return _categorical(_stateless(seed), logits, num_samples, dtype)


class Generator:
    """`tf.random.Generator`: an independent seeded generator (`from_seed`, `normal`, ...)."""

    def __init__(self, seed=None):
        self._rng = np.random.default_rng(seed)

    @classmethod
    def from_seed(cls, seed, alg=None) -> Generator:
        return cls(int(seed))

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> Generator:
        return cls(None)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", name=None):
        return _normal(self._rng, shape, mean, stddev, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype="float32", name=None):
        return _uniform(self._rng, shape, minval, maxval, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", name=None):
        return _truncated(self._rng, shape, mean, stddev, dtype)

    def make_seeds(self, count=1):
        return out(self._rng.integers(0, 2**31, size=(2, int(count))).astype(np.int64))


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.random", name)
