"""`minikeras.config`: Keras 3's `keras.config` namespace (global settings)."""

from __future__ import annotations

from minikeras.backend.blas_threads import get_num_threads, set_num_threads
from minikeras.backend.config import (
    backend,
    disable_flash_attention,
    enable_flash_attention,
    epsilon,
    floatx,
    image_data_format,
    is_flash_attention_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from minikeras.dtype_policies.dtype_policy import dtype_policy, set_dtype_policy
from minikeras.utils.io_utils import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from minikeras.utils.traceback_utils import (
    disable_traceback_filtering,
    enable_traceback_filtering,
    is_traceback_filtering_enabled,
)

_UNSAFE_DESERIALIZATION = False


def enable_unsafe_deserialization() -> None:
    """Accepted for Keras compatibility; minikeras still never runs code read from a file.

    Keras uses this switch to load `Lambda` layers saved as Python bytecode.
    minikeras refuses bytecode either way (give the function by name through
    `custom_objects` or `register_keras_serializable`); the setting is recorded
    and can be read with `is_unsafe_deserialization_enabled()`.
    """
    global _UNSAFE_DESERIALIZATION
    _UNSAFE_DESERIALIZATION = True


def is_unsafe_deserialization_enabled() -> bool:
    """Whether `enable_unsafe_deserialization()` was called."""
    return _UNSAFE_DESERIALIZATION


def is_nnx_enabled() -> bool:
    """Flax NNX integration is a JAX-backend feature: always False here."""
    return False


def set_backend(backend: str) -> None:
    """Only the `"numpy"` backend exists in minikeras.

    Raises:
        ValueError: for any other backend name.
    """
    if backend != "numpy":
        raise ValueError(
            f"minikeras runs on NumPy only; it cannot switch to backend {backend!r}. "
            f"Received: backend={backend!r}, expected 'numpy'."
        )


__all__ = [
    "backend",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "get_num_threads",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "is_unsafe_deserialization_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
    "set_num_threads",
]
