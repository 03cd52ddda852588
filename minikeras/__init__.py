"""minikeras: the Keras API on pure NumPy — trains, and reads/writes real Keras files.

Use it exactly like Keras::

    import minikeras as keras
    from minikeras.models import Sequential
    from minikeras.layers import Dense
"""

from typing import TYPE_CHECKING

from minikeras.backend import blas_threads as _blas_threads
from minikeras.backend import heap as _heap
from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras import (
        activations,
        applications,
        backend,
        callbacks,
        config,
        constraints,
        datasets,
        dtype_policies,
        initializers,
        layers,
        losses,
        metrics,
        models,
        ops,
        optimizers,
        preprocessing,
        random,
        regularizers,
        saving,
        utils,
    )
    from minikeras.backend.gradient_tape import GradientTape
    from minikeras.backend.keras_tensor import KerasTensor
    from minikeras.backend.variable import Variable
    from minikeras.layers import Input, Layer
    from minikeras.models import Model, Sequential
    from minikeras.ops.operation import Operation
    from minikeras.saving.object_registration import register_keras_serializable

# Each name above is imported on first use: a script pays only for what it touches.
__getattr__, __dir__ = _lazy_imports(__name__)

_blas_threads.policy()  # BLAS threads for the machine's load (see its docstring)
_heap.configure()  # a training step's freed arrays stay mapped for the next (glibc)

__version__ = "0.1.0"


def version() -> str:
    """The minikeras version string (`keras.version()` in Keras 3)."""
    return __version__


__all__ = [
    "GradientTape",
    "Input",
    "KerasTensor",
    "Layer",
    "Model",
    "Operation",
    "Sequential",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "regularizers",
    "register_keras_serializable",
    "saving",
    "utils",
    "version",
    "config",
    "dtype_policies",
    "random",
]
