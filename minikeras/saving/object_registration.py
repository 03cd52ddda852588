"""Registry of user classes and functions: `register_keras_serializable`, custom objects."""

from __future__ import annotations

import contextlib

_GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}
_SCOPE_STACK: list[dict] = []
_REGISTERED_NAMES: dict[object, str] = {}


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator that registers a class or function under `package>name`.

    Registered objects can be found by `model_from_json`/`load_model` without
    passing `custom_objects`.
    """

    def decorator(obj):
        key = name or obj.__name__
        _GLOBAL_CUSTOM_OBJECTS[f"{package}>{key}"] = obj
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _REGISTERED_NAMES[obj] = f"{package}>{key}"
        return obj

    return decorator


def get_registered_object(name: str, custom_objects: dict | None = None):
    """Looks `name` up in `custom_objects`, active scopes, then the global registry."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_SCOPE_STACK):
        if name in scope:
            return scope[name]
    return _GLOBAL_CUSTOM_OBJECTS.get(name)


def get_registered_name(obj) -> str:
    """`package>name` of a registered class or function, else `Custom>` + its name."""
    return _REGISTERED_NAMES.get(obj, f"Custom>{getattr(obj, '__name__', type(obj).__name__)}")


def get_custom_objects() -> dict:
    """The global dict of custom objects (mutable, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


@contextlib.contextmanager
def custom_object_scope(*scopes: dict):
    """Context manager that makes the given custom objects visible to deserialization."""
    merged: dict = {}
    for s in scopes:
        merged.update(s or {})
    _SCOPE_STACK.append(merged)
    try:
        yield merged
    finally:
        _SCOPE_STACK.pop()


CustomObjectScope = custom_object_scope
