"""Name → object lookup shared by the `get`/`serialize`/`deserialize` of object modules.

`constraints`, `regularizers`, `initializers`, `losses`, `metrics` and learning-rate
`schedules` all write an object as the Keras dict
`{"module", "class_name", "config", "registered_name"}` and read it back by looking
the class name up in their own table, then in the custom-object registry.
"""

from __future__ import annotations


def serialize_keras_object(obj, module: str) -> dict:
    """The Keras-style dict of a configurable object of `module` (e.g. `"keras.losses"`)."""
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": None,
    }


def class_by_name(
    name: str,
    kind: str,
    classes: dict,
    aliases: dict | None = None,
    custom_objects: dict | None = None,
    hint: str = "",
):
    """Finds the class called `name` in `classes`, `aliases`, then the custom objects.

    Args:
        name: The `class_name` of a serialized object.
        kind: What is looked up, for the error (e.g. `"constraint"`).
        classes: The module's built-in classes by name.
        aliases: Other spellings of the same classes.
        custom_objects: Extra objects by name, as passed to `deserialize`.
        hint: Text appended to the error message.

    Raises:
        ValueError: when no class has that name.
    """
    cls = classes.get(name) or (aliases or {}).get(name)
    if cls is None:
        from minikeras.saving.object_registration import get_registered_object

        cls = get_registered_object(name, custom_objects)
    if cls is None:
        raise ValueError(f"Unknown {kind}: '{name}'.{hint}")
    return cls


def deserialize_keras_object(
    config: dict,
    kind: str,
    classes: dict,
    aliases: dict | None = None,
    custom_objects: dict | None = None,
    hint: str = "",
):
    """Builds an object from its Keras dict with `class_by_name(...).from_config`."""
    cls = class_by_name(config["class_name"], kind, classes, aliases, custom_objects, hint)
    return cls.from_config(dict(config.get("config", {})))


def get_keras_object(
    identifier,
    kind: str,
    classes: dict,
    aliases: dict,
    deserialize,
    base: type,
    custom_objects: dict | None = None,
):
    """Resolves a `get` identifier: None, a Keras dict, a name, a class, or a callable.

    Args:
        identifier: What the user passed.
        kind: What is looked up, for the error (e.g. `"regularizer"`).
        classes: The module's built-in classes by name.
        aliases: Keras' snake_case names (listed in the error as the valid names).
        deserialize: The module's `deserialize`, for dict identifiers.
        base: The module's base class; a subclass of it given as identifier is instantiated.
        custom_objects: Extra objects by name.

    Returns:
        None for None; otherwise an instance (or the callable given).

    Raises:
        ValueError: for an unknown name or a non-callable identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        cls = aliases.get(identifier) or classes.get(identifier)
        if cls is None and custom_objects:
            cls = custom_objects.get(identifier)
        if cls is None:
            raise ValueError(
                f"Could not interpret {kind} identifier: {identifier!r}. "
                f"Valid names are: {sorted(aliases)}"
            )
        return cls() if isinstance(cls, type) else cls
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")
