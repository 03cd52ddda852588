"""Keras 2.11+ `keras.optimizers.legacy`: the same optimizers under their legacy path.

Names resolve lazily from `minikeras.optimizers`, so optimizers added there
are available here too (`from keras.optimizers.legacy import Adam`).
"""

from __future__ import annotations

import importlib

NAMES = ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl",
         "Optimizer")


def __getattr__(name):  # noqa: N807
    if name.startswith("__"):
        raise AttributeError(name)
    optimizers = importlib.import_module("minikeras.optimizers")
    if hasattr(optimizers, name):
        return getattr(optimizers, name)
    raise AttributeError(f"module 'minikeras.optimizers.legacy' has no attribute '{name}'. "
                         f"Available: {__dir__()}")


def __dir__():  # noqa: N807
    optimizers = importlib.import_module("minikeras.optimizers")
    return sorted(n for n in NAMES if hasattr(optimizers, n))
