"""A minimal `tensorflow` stand-in for scripts run by `python -m minikeras`.

It exists so that `import tensorflow as tf` followed by `tf.keras...`,
`tf.random.set_seed(...)` and a handful of tensor basics work with minikeras.
Everything else raises an AttributeError saying what is available.
"""

from __future__ import annotations

import types

import numpy as np

import minikeras as keras
from minikeras import ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable

__version__ = "2.16.0"
__path__: list = []  # a package, so that `import tensorflow.keras` can be resolved

float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, bool_ = np.uint8, np.bool_
string = np.str_


def constant(value, dtype=None, shape=None, name=None):
    """`tf.constant`: a NumPy array (`float32` for Python floats)."""
    return keras.backend.constant(value, dtype=dtype, shape=shape) if dtype is None and \
        np.asarray(value).dtype.kind == "f" else np.asarray(value, dtype=dtype)


def convert_to_tensor(value, dtype=None, **kwargs):
    """`tf.convert_to_tensor`."""
    return ops.convert_to_tensor(value, dtype=dtype)


def _set_seed(seed):
    keras.utils.set_random_seed(int(seed))


random = types.SimpleNamespace(
    set_seed=_set_seed,
    normal=lambda shape, mean=0.0, stddev=1.0, dtype=None, seed=None:
        keras.backend.random_normal(shape, mean, stddev, dtype, seed),
    uniform=lambda shape, minval=0.0, maxval=1.0, dtype=None, seed=None:
        keras.backend.random_uniform(shape, minval, maxval, dtype, seed),
)
nn = types.SimpleNamespace(relu=ops.relu, sigmoid=ops.sigmoid, softmax=ops.softmax,
                           tanh=ops.tanh, log_softmax=ops.log_softmax, elu=ops.elu)
math = types.SimpleNamespace(reduce_mean=ops.mean, reduce_sum=ops.sum, square=ops.square,
                             sqrt=ops.sqrt, exp=ops.exp, log=ops.log, abs=ops.abs,
                             argmax=ops.argmax, top_k=ops.top_k, erf=ops.erf)
config = types.SimpleNamespace(
    list_physical_devices=lambda device_type=None: [],
    run_functions_eagerly=lambda run_eagerly: None,
    experimental=types.SimpleNamespace(set_memory_growth=lambda device, enable: None),
)


def reduce_mean(x, axis=None, keepdims=False):
    """`tf.reduce_mean`."""
    return ops.mean(x, axis=axis, keepdims=keepdims)


def reduce_sum(x, axis=None, keepdims=False):
    """`tf.reduce_sum`."""
    return ops.sum(x, axis=axis, keepdims=keepdims)


def reduce_max(x, axis=None, keepdims=False):
    """`tf.reduce_max`."""
    return ops.max(x, axis=axis, keepdims=keepdims)


square, sqrt, exp, log, abs = ops.square, ops.sqrt, ops.exp, ops.log, ops.abs  # noqa: A001
matmul, reshape, transpose, concat = ops.matmul, ops.reshape, ops.transpose, ops.concatenate
argmax, cast, one_hot, stack = ops.argmax, ops.cast, ops.one_hot, ops.stack
zeros, ones, maximum, minimum = ops.zeros, ops.ones, ops.maximum, ops.minimum


def executing_eagerly() -> bool:
    """Always True: minikeras runs eagerly."""
    return True


def function(func=None, **kwargs):
    """`tf.function`: returns the function unchanged (minikeras runs eagerly)."""
    if func is None:
        return lambda f: f
    return func


__all__ = ["GradientTape", "Variable", "keras"]


def __getattr__(name):  # noqa: N807
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"`tf.{name}` is not available: under `python -m minikeras`, `tensorflow` is a small "
        "stand-in that provides `tf.keras` (minikeras), `tf.random.set_seed`, "
        "`tf.GradientTape`, `tf.Variable`, `tf.constant` and basic maths.")
