"""`model.to_json()` and `model_from_json()`: Keras 2 and Keras 3 JSON."""

from __future__ import annotations

import json

import numpy as np

from minikeras.saving.serialization import serialize_keras_object


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.dtype) or (isinstance(obj, type) and issubclass(obj, np.generic)):
        return np.dtype(obj).name
    return obj


def model_config(model, keras_version: int = 2, h5: bool = False) -> dict:
    """The serialized model in Keras 2 (`class_name`/`config`) or Keras 3 flavour."""
    from minikeras.saving import config_flavor
    from minikeras.saving.compile_config import compile_config_of

    cfg = _jsonable(serialize_keras_object(model))
    if "layers" not in cfg.get("config", {}) and model.get_build_config():
        cfg["build_config"] = _jsonable(model.get_build_config())  # subclassed model
    if int(keras_version) == 3:
        return config_flavor.to_keras3(
            cfg, compile_config=_jsonable(compile_config_of(model)), model=model
        )
    return config_flavor.to_keras2(cfg, h5=h5, model=model)


def model_to_json(model, keras_version: int = 2, **kwargs) -> str:
    """The model's architecture as JSON.

    Keras 2 JSON (tf_keras 2.21: `class_name`, `config`, `keras_version`,
    `backend`, InputLayer `batch_input_shape`, dtype strings) is the default,
    because that is what the book's readers reload. `keras_version=3` writes
    Keras 3.15's JSON (`module`, `registered_name`, `build_config`,
    `compile_config`, DTypePolicy objects), which real Keras 3 can read.

    Args:
        model: A `Sequential` or functional model.
        keras_version: 2 (default) or 3.
        **kwargs: Passed to `json.dumps`.
    """
    from minikeras.saving import config_flavor

    if int(keras_version) not in (2, 3):
        raise ValueError(f"`keras_version` must be 2 or 3. Received: {keras_version!r}")
    from minikeras.legacy.saving import hard_sigmoid, model_configs

    if int(keras_version) == 3 and hard_sigmoid.needs_rewrite(model, 3):
        raise ValueError(
            "The model uses Keras 1/2's hard_sigmoid (clip(0.2x+0.5)), which Keras 3 JSON "
            "cannot name (Keras 3's is clip(x/6+0.5)). Write `to_json()` (Keras 2 JSON), or "
            "save the whole model as `.keras`, which rescales the weights so that Keras 3's "
            "definition gives the same outputs."
        )
    from minikeras import __version__

    out = model_config(model, keras_version)
    if int(keras_version) == 2:
        out = {**out, "keras_version": config_flavor.KERAS2_VERSION, "backend": "tensorflow"}
        if hard_sigmoid.needs_rewrite(model, 2):
            out[model_configs.HARD_SIGMOID_KEY] = "keras3"  # Keras 2 would read clip(0.2x+.5)
    out[config_flavor.WRITER_KEY] = __version__
    return json.dumps(out, **kwargs)


def model_from_json(json_string: str, custom_objects=None):
    """Builds an (untrained) model from JSON written by Keras 1, 2, 3 or minikeras.

    Keras 1 names and layouts are translated (`minikeras.legacy.saving`).

    Raises:
        ValueError: if the text is not valid JSON or names an unknown class.
    """
    from minikeras.legacy.saving import loading, model_configs

    try:
        config = model_configs.loads(json_string)  # also JSON encoded twice
    except (TypeError, RecursionError, json.JSONDecodeError) as exc:
        raise ValueError(f"Could not parse the model JSON: {exc}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "The JSON does not describe a Keras model: expected an object with 'class_name' "
            "and 'config' keys."
        )
    from minikeras.backend.memory import build_within_memory

    try:
        # Weights stay untouched zeros until the model's total is known to fit memory.
        return build_within_memory(lambda: loading.model_from_config(config, custom_objects))
    except MemoryError as exc:
        raise ValueError(
            f"The model config asks for weights too large to allocate ({exc})."
        ) from None
    except (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ArithmeticError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else ""
        raise ValueError(
            f"Invalid model config in the JSON ({type(exc).__name__}: {msg}).",
        ) from None
