"""`minikeras.models`: `Model`, `Sequential`, and model loading/saving functions."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.models.functional import Functional
    from minikeras.models.model import Model
    from minikeras.models.sequential import Sequential

# The model classes are imported on first use: `load_model` imports them while the
# HDF5 checker reads the file.
__getattr__, __dir__ = _lazy_imports(__name__)


def model_from_json(json_string, custom_objects=None):
    """Re-creates a model from `model.to_json()` output (Keras 2 or Keras 3 JSON)."""
    from minikeras.saving.json_format import model_from_json as _impl

    return _impl(json_string, custom_objects=custom_objects)


def model_from_config(config, custom_objects=None):
    """Re-creates a model from its config dict.

    The weights' total is checked against the memory available before any is filled.
    """
    from minikeras.backend.memory import build_within_memory
    from minikeras.saving.serialization import deserialize_keras_object

    return build_within_memory(lambda: deserialize_keras_object(config, custom_objects))


def load_model(
    filepath: str | os.PathLike,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,  # noqa: A002
    legacy_backend: str | None = None,
) -> Model:
    """Loads a model saved with `model.save()` (`.keras`, or `.h5` by Keras 1, 2 or 3).

    `legacy_backend="theano"` reads the convolution kernels of an old file that
    does not say which backend wrote it as Theano's (flipped).
    """
    from minikeras.saving.saving_api import load_model as _impl

    return _impl(
        filepath,
        custom_objects=custom_objects,
        compile=compile,
        safe_mode=safe_mode,
        legacy_backend=legacy_backend,
    )


def save_model(model, filepath, overwrite=True, **kwargs):
    """Saves a model (see `Model.save`)."""
    model.save(filepath, overwrite=overwrite, **kwargs)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    from minikeras.saving.serialization import serialize_keras_object

    return model_from_config(serialize_keras_object(model))


__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]
