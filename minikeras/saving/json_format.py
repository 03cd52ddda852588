"""`model.to_json()` and `model_from_json()`: Keras 2 and Keras 3 JSON."""

from __future__ import annotations

import json

import numpy as np

from minikeras.saving.serialization import deserialize_keras_object, serialize_keras_object


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return obj


def model_to_json(model, **kwargs) -> str:
    """The model's architecture as Keras 2 JSON (`class_name`, `config`, `keras_version`)."""
    cfg = serialize_keras_object(model)
    cfg.pop("module", None)
    cfg.pop("registered_name", None)
    out = {"class_name": cfg["class_name"], "config": cfg["config"],
           "keras_version": "2.21.0", "backend": "tensorflow"}
    return json.dumps(_jsonable(out), **kwargs)


def model_from_json(json_string: str, custom_objects=None):
    """Builds an (untrained) model from JSON written by Keras 2, Keras 3 or minikeras.

    Raises:
        ValueError: if the text is not valid JSON or names an unknown class.
    """
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Could not parse the model JSON: {exc}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "The JSON does not describe a Keras model: expected an object with 'class_name' "
            "and 'config' keys.")
    return deserialize_keras_object(config, custom_objects=custom_objects)
