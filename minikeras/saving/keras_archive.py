"""Keras 3 `.keras` archives: a ZIP of `metadata.json`, `config.json`, `model.weights.h5`.

Members are stored uncompressed, as Keras 3.15 writes them (FORMATS.md section 6).
Reading never extracts anything to disk: members are read into memory with size
limits, and archives whose member names contain `..`, absolute paths, backslashes
or symlinks are refused.
"""

from __future__ import annotations

import datetime
import io
import json
import stat
import zipfile
import zlib
from typing import TYPE_CHECKING

from minikeras.saving import keras3_assets, keras3_weights
from minikeras.saving.config_flavor import KERAS3_VERSION
from minikeras.saving.saving_api import h5py_module

if TYPE_CHECKING:
    import h5py


CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
_MAX_JSON_BYTES = 64 * 2**20
_MAX_WEIGHTS_BYTES = 16 * 2**30
_BOMB_MIN_BYTES = 2**20
_MAX_RATIO = 200


def write_archive(path: str, model) -> None:
    """Writes `model` as a `.keras` archive at `path` (a temporary file of the caller)."""
    from minikeras.legacy.saving import hard_sigmoid
    from minikeras.saving.json_format import model_config

    model = hard_sigmoid.for_flavour(model, 3)  # Keras 2's hard sigmoid has no Keras 3 name
    config = model_config(model, keras_version=3)
    metadata = {"keras_version": KERAS3_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    buf = io.BytesIO()
    with h5py_module().File(buf, "w") as f:
        keras3_weights.save_weights_to_h5(f, model)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA, json.dumps(metadata))
        zf.writestr(CONFIG, json.dumps(config))
        zf.writestr(WEIGHTS, buf.getvalue())
        for name, data in keras3_assets.collect_assets(model).items():
            zf.writestr(name, data)


def _check_members(zf: zipfile.ZipFile) -> dict:
    infos = {}
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or (
                len(name) > 1 and name[1] == ":"):
            raise ValueError(
                f"refusing an archive member with an unsafe name: {name!r} (absolute paths, "
                "'..' and backslashes are not allowed)")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValueError(f"refusing an archive member that is a symbolic link: {name!r}")
        infos[name] = info
    for required in (CONFIG, WEIGHTS):
        if required not in infos:
            raise ValueError(
                f"not a Keras 3 `.keras` archive: missing '{required}' (members: "
                f"{sorted(infos)[:10]})")
    return infos


def _read(zf, info, limit) -> bytes:
    if info.file_size > _BOMB_MIN_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1):
        raise ValueError(
            f"archive member '{info.filename}' expands {info.compress_size} bytes to "
            f"{info.file_size}: refusing a likely zip bomb")
    if info.file_size > limit:
        raise ValueError(f"archive member '{info.filename}' declares {info.file_size} bytes, "
                         f"more than the {limit}-byte limit")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"archive member '{info.filename}' is larger than {limit} bytes")
    return data


def _open_zip(path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as exc:
        raise ValueError(f"not a valid zip archive ({exc})") from None


def read_archive(path):
    """`(config dict, weights bytes)` of a `.keras` archive, after safety checks."""
    try:
        return _read_archive(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ValueError(f"corrupt zip archive ({exc})") from None


def _read_archive(path):
    with _open_zip(path) as zf:
        infos = _check_members(zf)
        try:
            config = json.loads(_read(zf, infos[CONFIG], _MAX_JSON_BYTES).decode("utf8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"'{CONFIG}' is not valid JSON ({exc})") from None
        weights = _read(zf, infos[WEIGHTS], _MAX_WEIGHTS_BYTES)
    if not isinstance(config, dict):
        raise ValueError(f"'{CONFIG}' does not hold a model config object")
    return config, weights


def open_weights(weights: bytes) -> h5py.File:
    from minikeras.saving.h5_preflight import check_hdf5

    check_hdf5(lambda: h5py_module().File(io.BytesIO(weights), "r"), f"'{WEIGHTS}' in the archive",
               source=weights)
    try:
        return h5py_module().File(io.BytesIO(weights), "r")
    except OSError as exc:
        raise ValueError(f"'{WEIGHTS}' in the archive is not a readable HDF5 file ({exc})"
                         ) from None


def load_archive(path, custom_objects=None, compile=True):  # noqa: A002
    """Re-creates the model stored in a `.keras` archive."""
    from minikeras.saving.legacy_h5_model import _compile_or_warn
    from minikeras.saving.serialization import deserialize_keras_object

    config, weights = read_archive(path)
    compile_cfg = config.get("compile_config")
    model = deserialize_keras_object(config, custom_objects=custom_objects)
    if compile and compile_cfg and not _compile_or_warn(model, compile_cfg, custom_objects):
        compile = False  # noqa: A001 - no optimizer state to restore either
    with open_weights(weights) as f:
        load_weights_repaired(f, model, load_optimizer_state=bool(compile))
    keras3_assets.restore_assets(model, read_assets(path))
    return model


_MAX_ASSET_BYTES = 256 * 2**20


def read_assets(path) -> dict:
    """`{member name: bytes}` of the archive's `assets/` files (size-checked like the rest)."""
    with _open_zip(path) as zf:
        infos = {name: info for name, info in _check_members(zf).items()
                 if name.startswith(keras3_assets.PREFIX) and not name.endswith("/")}
        declared = sum(info.file_size for info in infos.values())
        if declared > _MAX_ASSET_BYTES:
            raise ValueError(f"the archive's assets declare {declared} bytes, more than the "
                             f"{_MAX_ASSET_BYTES}-byte limit")
        return {name: _read(zf, info, _MAX_ASSET_BYTES) for name, info in infos.items()}


def load_weights_repaired(f, model, skip_mismatch=False, load_optimizer_state=True) -> None:
    """`keras3_weights.load_weights_from_h5`, also for Windows-written backslash names."""
    from minikeras.legacy.saving.archive_paths import with_forward_slashes

    repaired = with_forward_slashes(f)
    if repaired is None:
        keras3_weights.load_weights_from_h5(f, model, skip_mismatch, load_optimizer_state)
        return
    with repaired:
        keras3_weights.load_weights_from_h5(repaired, model, skip_mismatch,
                                            load_optimizer_state)
