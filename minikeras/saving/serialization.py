"""Object ⇄ config dicts, in Keras 2 and Keras 3 flavours. Never executes code."""

from __future__ import annotations

from minikeras.saving.object_registration import get_registered_name, get_registered_object


def _layer_class(name: str):
    """The built-in layer or model class Keras calls `name`, or None."""
    from minikeras import layers, models
    from minikeras.layers.layer import Layer
    from minikeras.legacy.layers import LEGACY_LAYERS

    if name in ("Sequential", "Functional", "Model"):
        return models.Sequential if name == "Sequential" else models.Functional
    if name in LEGACY_LAYERS:  # Keras 1/2 layers Keras 3 dropped: old files name them
        return LEGACY_LAYERS[name]
    found = getattr(layers, name, None) if name.isidentifier() else None
    return found if isinstance(found, type) and issubclass(found, Layer) else None


def serialize_keras_object(obj) -> dict:
    """`{"module", "class_name", "config", "registered_name", "build_config"?}` of a layer/model."""
    from minikeras.layers.layer import Layer

    if obj is None:
        return None
    cls_name = type(obj).__name__
    module = "keras.layers"
    from minikeras.models.model import Model

    if isinstance(obj, Model):
        module = "keras.models" if cls_name == "Sequential" else "keras.src.models.functional"
        if cls_name == "Sequential":
            module = "keras"
    registered = None
    if hasattr(obj, "_keras_module"):  # an op node of a functional graph (Keras 3 Operation)
        module, registered = obj._keras_module, cls_name
    elif not _is_builtin(obj):
        registered = get_registered_name(type(obj))
        module = type(obj).__module__
    out = {
        "module": module,
        "class_name": cls_name,
        "config": obj.get_config(),
        "registered_name": registered,
    }
    if isinstance(obj, Layer) and not isinstance(obj, Model):
        build = obj.get_build_config()
        if build is not None:
            out["build_config"] = build
    return out


def _is_builtin(obj) -> bool:
    return type(obj).__module__.startswith("minikeras.")


def resolve_class(class_name: str, custom_objects=None, registered_name=None):
    """Finds a class by name among custom objects, the registry and built-in layers."""
    for key in (registered_name, class_name):
        if not key:
            continue
        found = get_registered_object(key, custom_objects)
        if found is not None:
            return found
    name = class_name[len("Custom>") :] if class_name.startswith("Custom>") else class_name
    return _layer_class(name) or get_registered_object(name, custom_objects)


def _is_ops_function(class_name) -> bool:
    from minikeras import ops
    from minikeras.ops import op_node

    name = op_node.op_name_from_class(class_name) if isinstance(class_name, str) else ""
    return (
        bool(name)
        and not name.startswith("_")
        and callable(getattr(ops, name, None))
        and getattr(getattr(ops, name), "__module__", "").startswith("minikeras.ops")
    )


def _name_of(inner) -> str:
    return str(inner.get("name", "?")) if isinstance(inner, dict) else "?"


def deserialize_keras_object(config, custom_objects=None):
    """Instantiates a layer or model from a config dict (Keras 2 or Keras 3).

    Raises:
        ValueError: for an unknown class, naming it and how to provide it.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not deserialize object: expected a dict with a 'class_name' key. "
            f"Received: {str(config)[:200]}"
        )
    class_name = config["class_name"]
    from minikeras.saving.safety import check_no_code

    check_no_code(config)
    from minikeras.ops import op_node

    if op_node.is_op_module(config.get("module")):
        return op_node.op_node_from_config(class_name, config.get("config", {}))
    cls = resolve_class(class_name, custom_objects, config.get("registered_name"))
    if cls is None and "module" not in config and _is_ops_function(class_name):
        # Keras 3's legacy `.h5` configs drop `module`: `NotEqual` is the op node of ops.not_equal
        return op_node.op_node_from_config(class_name, config.get("config", {}))
    if cls is None:
        raise ValueError(
            f"Unknown layer: '{class_name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope "
            "(or pass it in `custom_objects`). minikeras never loads code from files."
        )
    inner = config.get("config", {})
    inner = dict(inner) if isinstance(inner, dict) else inner  # Keras 2.0: a list of layers
    import inspect

    params = inspect.signature(cls.from_config).parameters
    try:
        obj = (
            cls.from_config(inner, custom_objects=custom_objects)
            if "custom_objects" in params
            else cls.from_config(inner)
        )
    except MemoryError:
        raise ValueError(
            f"The config of {class_name} '{_name_of(inner)}' asks for weights too large to "
            "allocate."
        ) from None
    except ArithmeticError as exc:  # OverflowError (1e400 in JSON), ZeroDivisionError
        raise ValueError(f"Invalid config for {class_name} '{_name_of(inner)}': {exc}") from None
    build = config.get("build_config")
    if build and hasattr(obj, "build_from_config") and not obj.built:
        obj.build_from_config(build)
    return obj
