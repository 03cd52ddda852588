"""Weight initializers by Keras name and class: `initializers.get("glorot_uniform")`."""

from __future__ import annotations

import math

import numpy as np

from minikeras.backend import config
from minikeras.utils.module_lookup import (
    deserialize_keras_object,
    get_keras_object,
    serialize_keras_object,
)


class Initializer:
    """Base class: `initializer(shape, dtype) -> np.ndarray`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        config = {k: v for k, v in config.items() if k in cls._config_keys()}
        return cls(**config)

    @classmethod
    def _config_keys(cls):
        import inspect

        return set(inspect.signature(cls.__init__).parameters) - {"self"}

    def clone(self):
        return type(self).from_config(self.get_config())


class _Seeded(Initializer):
    """A random initializer. With an integer `seed` every call draws the same values
    (Keras 3 semantics); without one it draws from the global generator, which
    `keras.utils.set_random_seed` seeds."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(
                f"`seed` argument should be an integer or None. Received: seed={seed!r}"
            )
        self.seed = None if seed is None else int(seed)

    def _generator(self) -> np.random.Generator:
        if self.seed is not None:
            return np.random.default_rng(self.seed)
        return config.rng()

    def get_config(self) -> dict:
        return {"seed": self.seed}


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=config.standardize_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=config.standardize_dtype(dtype))


class Constant(Initializer):
    """A constant value everywhere."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        v = self.value
        return {"value": v.tolist() if isinstance(v, np.ndarray) else v}


class Identity(Initializer):
    """Identity matrix times `gain` (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer requires a 2D shape. Received: shape={shape}")
        return self.gain * np.eye(*shape, dtype=config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {"gain": self.gain}


class RandomNormal(_Seeded):
    """Normal distribution with `mean` and `stddev`."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = self._generator().normal(self.mean, self.stddev, size=shape)
        return v.astype(config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    """Uniform distribution in `[minval, maxval)`."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        with np.errstate(over="ignore", invalid="ignore"):
            span = np.float64(maxval) - np.float64(minval)
        if not (np.isfinite(minval) and np.isfinite(maxval) and np.isfinite(span)):
            raise ValueError(
                "RandomUniform expects finite `minval` and `maxval` whose difference is a "
                f"finite float64. Received: minval={minval}, maxval={maxval}"
            )
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        v = self._generator().uniform(self.minval, self.maxval, size=shape)
        return v.astype(config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(rng, mean, stddev, shape):
    out = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(out) > 2
    while np.any(bad):
        out[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(out) > 2
    return mean + stddev * out


class TruncatedNormal(_Seeded):
    """Normal distribution re-drawn beyond two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = _truncated_normal(self._generator(), self.mean, self.stddev, shape)
        return v.astype(config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def compute_fans(shape) -> tuple[float, float]:
    """Fan-in and fan-out of a weight shape, as Keras computes them."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = float(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Seeded):
    """Scales the variance of a normal/uniform draw by the weight's fans."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                "Invalid `mode` argument: expected one of {'fan_in', 'fan_out', 'fan_avg'}. "
                f"Received: mode={mode}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(
                "Invalid `distribution` argument: expected one of {'uniform', "
                f"'truncated_normal', 'untruncated_normal'}}. Received: distribution={distribution}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        denom = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        var = self.scale / max(1.0, denom)
        rng = self._generator()
        if self.distribution == "truncated_normal":
            v = _truncated_normal(rng, 0.0, math.sqrt(var) / 0.87962566103423978, shape)
        elif self.distribution == "untruncated_normal":
            v = rng.normal(0.0, math.sqrt(var), size=shape)
        else:
            limit = math.sqrt(3.0 * var)
            v = rng.uniform(-limit, limit, size=shape)
        return v.astype(config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


def _preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    cls = type(
        name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc}
    )
    return cls


GlorotUniform = _preset(
    "GlorotUniform",
    1.0,
    "fan_avg",
    "uniform",
    "Uniform in ±sqrt(6 / (fan_in + fan_out)) (Dense default).",
)
GlorotNormal = _preset(
    "GlorotNormal",
    1.0,
    "fan_avg",
    "truncated_normal",
    "Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).",
)
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform", "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _preset(
    "HeNormal", 2.0, "fan_in", "truncated_normal", "Truncated normal with stddev sqrt(2 / fan_in)."
)
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform", "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _preset(
    "LecunNormal",
    1.0,
    "fan_in",
    "truncated_normal",
    "Truncated normal with stddev sqrt(1 / fan_in).",
)


class Orthogonal(_Seeded):
    """A random orthogonal matrix (QR of a normal draw) times `gain`."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                f"The tensor to initialize must be at least two-dimensional. Received: "
                f"shape={shape} of rank {len(shape)}."
            )
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = self._generator().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q[:rows, :cols].reshape(shape)).astype(config.standardize_dtype(dtype))

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


ALL_INITIALIZERS = {
    cls.__name__: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        Identity,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeUniform,
        HeNormal,
        LecunUniform,
        LecunNormal,
        Orthogonal,
    )
}
_ALIASES = {
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "constant": Constant,
    "identity": Identity,
    "random_normal": RandomNormal,
    "normal": RandomNormal,
    "random_uniform": RandomUniform,
    "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
}

# Keras' lowercase function-style names.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal, lecun_uniform, lecun_normal = HeUniform, HeNormal, LecunUniform, LecunNormal
orthogonal, identity, variance_scaling = Orthogonal, Identity, VarianceScaling


def serialize(initializer) -> dict:
    """Keras-style dict `{"module", "class_name", "config", "registered_name"}`."""
    return serialize_keras_object(initializer, "keras.initializers")


def deserialize(config, custom_objects=None):
    """Builds an initializer from a Keras dict or name."""
    if isinstance(config, str):
        return get(config, custom_objects)
    return deserialize_keras_object(
        config,
        "initializer",
        ALL_INITIALIZERS,
        _ALIASES,
        custom_objects,
        hint=" Please ensure you are using a `keras.utils.custom_object_scope` and that this "
        "object is included in the scope.",
    )


def get(identifier, custom_objects=None):
    """Returns an initializer from a name, dict, instance, class or callable (None → None)."""
    return get_keras_object(
        identifier,
        "initializer",
        ALL_INITIALIZERS,
        _ALIASES,
        deserialize,
        Initializer,
        custom_objects,
    )
