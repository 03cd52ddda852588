"""`minikeras.saving`: serialization, registration and file formats."""

from typing import TYPE_CHECKING

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.saving.object_registration import (
        CustomObjectScope,
        custom_object_scope,
        get_custom_objects,
        get_registered_object,
        register_keras_serializable,
    )
    from minikeras.saving.saving_api import load_model, load_weights, save_model, save_weights

__getattr__, __dir__ = _lazy_imports(__name__)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_object",
    "register_keras_serializable",
    "load_model",
    "load_weights",
    "save_model",
    "save_weights",
]
