"""minikeras: the Keras API on pure NumPy — trains, and reads/writes real Keras files.

Use it exactly like Keras::

    import minikeras as keras
    from minikeras.models import Sequential
    from minikeras.layers import Dense
"""

from minikeras import (
    activations,
    backend,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    saving,
    utils,
)
from minikeras.backend import blas_threads as _blas_threads
from minikeras.backend import heap as _heap
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.variable import Variable
from minikeras.layers import Input, Layer
from minikeras.models import Model, Sequential
from minikeras.ops.operation import Operation
from minikeras.saving.object_registration import register_keras_serializable

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
from minikeras import (  # noqa: E402
    config,
    datasets,
    dtype_policies,
    preprocessing,
    random,
)

# Packages imported on first use: the pretrained architectures are ~40 modules that most
# scripts never touch, and a cold start should not pay for them.
_LAZY_SUBPACKAGES = ("applications",)


def __getattr__(name: str):
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f"minikeras.{name}")
    raise AttributeError(f"module 'minikeras' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBPACKAGES))
