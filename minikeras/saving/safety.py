"""Refuse configs that carry executable code (Lambda bytecode), before anything is built.

Keras 2 stores a `Lambda` layer's Python lambda as marshalled bytecode
(`"function": [b64_code, defaults, closure]`, `"function_type": "lambda"`);
Keras 3 as `{"class_name": "__lambda__", "config": {"code": ...}}`. Loading such a
file in Keras runs that code (the root of several Keras CVEs). minikeras never
unmarshals or evaluates anything: these configs are refused with an error naming
the layer. Functions referred to *by name* are looked up among registered or
`custom_objects` Python objects, never read from the file.
"""

from __future__ import annotations

_CODE_KEYS = ("function", "output_shape", "mask")


def _is_bytecode(value, type_hint) -> bool:
    if isinstance(value, dict) and value.get("class_name") == "__lambda__":
        return True
    if type_hint == "lambda":
        return True
    return isinstance(value, (list, tuple)) and bool(value) and isinstance(value[0], str)


def check_no_code(config: dict) -> None:
    """Raises ValueError if the layer config `config` embeds Python code.

    Raises:
        ValueError: naming the layer and explaining how to load the model instead.
    """
    inner = config.get("config")
    if not isinstance(inner, dict):
        return
    for key in _CODE_KEYS:
        if key not in inner:
            continue
        if _is_bytecode(inner[key], inner.get(f"{key}_type")):
            name = inner.get("name", "?")
            raise ValueError(
                f"Refusing to load {config.get('class_name')} layer '{name}': its `{key}` is "
                "stored as Python bytecode, and minikeras never executes code from a model "
                "file. Re-create the model in Python (with the function defined in your "
                "code) and load only the weights with `model.load_weights(path)`."
            )
