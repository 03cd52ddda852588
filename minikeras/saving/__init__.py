"""`minikeras.saving`: serialization, registration and file formats."""

from minikeras.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_object,
    register_keras_serializable,
)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_object",
    "register_keras_serializable",
]

from minikeras.saving.saving_api import load_model, load_weights, save_model, save_weights  # noqa: E402

__all__ += ["load_model", "load_weights", "save_model", "save_weights"]
