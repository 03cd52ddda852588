"""Functions in configs, by name only (Keras 3's `{"class_name": "function"}` form).

A function is saved as its name and found again among registered objects, `custom_objects`
and minikeras's own losses/metrics/activations; nothing is imported or executed.
"""

from __future__ import annotations

from collections.abc import Callable

from minikeras.saving.object_registration import get_registered_object


def serialize_function(fn: Callable) -> dict:
    """Keras 3's config of a plain function: its name under `class_name: "function"`."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function",
    }


def deserialize_function(ref, custom_objects=None) -> Callable:
    """The function a `serialize_function` dict (or a bare name) refers to.

    Raises:
        ValueError: when no known function has that name.
    """
    if callable(ref):
        return ref
    name = ref.get("config") if isinstance(ref, dict) else ref
    if not isinstance(name, str):
        raise ValueError(f"Expected a function name in the config; received: {ref!r}")
    found = get_registered_object(name, custom_objects)
    if found is None:
        from minikeras import activations, losses, metrics

        for module in (losses, metrics, activations):
            candidate = getattr(module, name, None)
            if callable(candidate) and not isinstance(candidate, type):
                found = candidate
                break
    if found is None:
        raise ValueError(
            f"Unknown function: '{name}'. Register it with "
            "`keras.saving.register_keras_serializable()` or pass it in `custom_objects`."
        )
    return found
