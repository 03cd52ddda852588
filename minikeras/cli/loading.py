"""Opens any model file the CLI accepts, recognising its kind from its contents."""

from __future__ import annotations

import json
import os
import warnings
import zipfile

import h5py


class CLIError(Exception):
    """A user-facing error: printed as one line, no traceback."""


KINDS = {
    "json": "model architecture (JSON)",
    "keras": "Keras 3 model archive (.keras)",
    "h5_model": "Keras 2 full model (HDF5: architecture + weights)",
    "h5_weights": "Keras 2 weights (HDF5)",
    "weights_h5": "Keras 3 weights (.weights.h5)",
    "npz": "NumPy weights archive (.npz)",
}
WEIGHTS_ONLY = ("h5_weights", "weights_h5", "npz")


def file_kind(path: str) -> str:
    """One of `KINDS`, read from the file's first bytes and structure (not its name).

    Raises:
        CLIError: if the file is missing or of no known kind.
    """
    if not os.path.exists(path):
        raise CLIError(f"No such file: '{path}'")
    if os.path.isdir(path):
        raise CLIError(
            f"'{path}' is a directory; expected a model file (.json, .h5, .keras, "
            ".weights.h5 or .npz). TensorFlow SavedModel directories are not supported."
        )
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return _hdf5_kind(path)
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head.lstrip()[:1] in (b"{", b'"'):  # '"': JSON encoded twice (json.dump(to_json()))
        return "json"
    raise CLIError(
        f"'{path}' is not a model file minikeras can read: expected Keras JSON, an HDF5 file "
        f"(.h5 / .weights.h5), a .keras archive or a .npz archive (first bytes: {head!r})."
    )


def _hdf5_kind(path: str) -> str:
    try:
        with h5py.File(path, "r") as f:
            if "model_config" in f.attrs:
                return "h5_model"
            if "layer_names" in f.attrs or "model_weights" in f:
                return "h5_weights"
            return "weights_h5"
    except OSError as exc:
        raise CLIError(
            f"'{path}' is not a readable HDF5 file (truncated or corrupt?): {exc}"
        ) from None


def _zip_kind(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except zipfile.BadZipFile as exc:
        raise CLIError(
            f"'{path}' is not a readable zip archive (truncated or corrupt?): {exc}"
        ) from None
    if "config.json" in names:
        return "keras"
    if names and all(n.endswith(".npy") for n in names):
        return "npz"
    raise CLIError(
        f"'{path}' is a zip archive but neither a .keras model (no config.json) "
        f"nor a .npz weights archive. Members: {names[:8]}"
    )


def _model_from_json_file(path: str):
    from minikeras.models import model_from_json

    try:
        with open(path, encoding="utf8") as f:
            text = f.read()
        json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CLIError(f"'{path}' is not valid JSON: {exc}") from None
    with warnings.catch_warnings():
        # `summary` and `predict` say themselves what a missing input shape means.
        warnings.filterwarnings(
            "ignore", message=".*restored without an input shape", category=UserWarning
        )
        return model_from_json(text)


def load_any(
    path: str,
    config: str | None = None,
    weights: str | None = None,
    legacy_backend: str | None = None,
):
    """Returns a model from `path`, plus its kind.

    Args:
        path: A JSON architecture, full model (.h5 / .keras) or weights file.
        config: JSON architecture to load a weights-only `path` into.
        weights: Weights to load into a JSON `path`.
        legacy_backend: "theano" or "tensorflow" for an old file that does not say
            which backend wrote it (see `load_model`).

    Raises:
        CLIError: with a one-line explanation for every unreadable input.
    """
    from minikeras.models import load_model

    kind = file_kind(path)
    try:
        if kind in ("keras", "h5_model"):
            model = load_model(path, compile=False, legacy_backend=legacy_backend)
        elif kind == "json":
            model = _json_and_weights(path, weights, legacy_backend)
        else:
            if config is None:
                raise CLIError(
                    f"'{path}' holds only weights ({KINDS[kind]}); give the architecture "
                    "too: --config model.json"
                )
            if file_kind(config) != "json":
                raise CLIError(f"--config '{config}' is not a JSON architecture file.")
            model = _json_and_weights(config, path, legacy_backend)
    except NotImplementedError as exc:
        raise CLIError(
            f"Reading a {KINDS[kind]} is not available in this minikeras build ({exc})."
        ) from None
    except (ValueError, KeyError, OSError, TypeError) as exc:
        raise CLIError(f"Could not load '{path}' ({KINDS[kind]}): {exc}") from None
    return model, kind


def _claimed_memory_checked(weights: str) -> bool:
    """Checks what a Keras 2 weights file lists against memory (before any model is
    built for it); False for other weights files, which are not checked here."""
    from minikeras.saving import legacy_h5_weights
    from minikeras.saving.saving_api import open_h5

    if file_kind(weights) not in ("h5_weights", "h5_model"):
        return False
    with open_h5(weights) as f:
        group = f["model_weights"] if "model_weights" in f else f
        if legacy_h5_weights.read_names(group, "layer_names") is None:
            return False
        try:
            legacy_h5_weights.check_claimed_memory(group)
        except ValueError as exc:
            raise ValueError(f"'{weights}': {exc}") from None
    return True


def _json_and_weights(config: str, weights: str | None, legacy_backend: str | None):
    """The JSON architecture `config`, with `weights` loaded when given.

    With Keras 2 HDF5 weights, the weights the file lists are checked against memory
    first, and the model is built with untouched zeros that the file then fills (no
    initializer runs), as `load_model` does for a full `.h5` file.
    """
    from minikeras.backend.memory import check_total_allocation, weights_from_file

    if weights is None or not _claimed_memory_checked(weights):
        model = _model_from_json_file(config)
        if weights is not None:
            _load_weights(model, weights, legacy_backend)
        return model
    with weights_from_file():
        model = _model_from_json_file(config)
    check_total_allocation(
        f"The model's weights ({len(model.weights)} arrays)",
        [(w.shape, w.dtype) for w in model.weights],
    )
    _load_weights(model, weights, legacy_backend)
    return model


def _load_weights(model, path: str, legacy_backend: str | None = None) -> None:
    kind = file_kind(path)
    if kind not in WEIGHTS_ONLY + ("h5_model",):
        raise CLIError(f"'{path}' is a {KINDS[kind]}, not a weights file.")
    if not model.built:
        raise CLIError(
            "The JSON architecture does not give the input shape, so its weights "
            "cannot be placed; use a full model file instead."
        )
    model.load_weights(path, legacy_backend=legacy_backend)
