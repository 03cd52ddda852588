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
import os
import stat
import struct
import zipfile
import zlib

import numpy as np

from minikeras.saving import keras3_assets, keras3_weights
from minikeras.saving.config_flavor import KERAS3_VERSION
from minikeras.saving.saving_api import h5py_module

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
    from minikeras import __version__
    from minikeras.saving.config_flavor import WRITER_KEY

    metadata = {
        "keras_version": KERAS3_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        WRITER_KEY: __version__,
    }
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
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or ".." in parts
            or (len(name) > 1 and name[1] == ":")
        ):
            raise ValueError(
                f"refusing an archive member with an unsafe name: {name!r} (absolute paths, "
                "'..' and backslashes are not allowed)"
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValueError(f"refusing an archive member that is a symbolic link: {name!r}")
        infos[name] = info
    for required in (CONFIG, WEIGHTS):
        if required not in infos:
            raise ValueError(
                f"not a Keras 3 `.keras` archive: missing '{required}' (members: "
                f"{sorted(infos)[:10]})"
            )
    return infos


def _read(zf, info, limit) -> bytes:
    if info.file_size > _BOMB_MIN_BYTES and info.file_size > _MAX_RATIO * max(
        info.compress_size, 1
    ):
        raise ValueError(
            f"archive member '{info.filename}' expands {info.compress_size} bytes to "
            f"{info.file_size}: refusing a likely zip bomb"
        )
    if info.file_size > limit:
        raise ValueError(
            f"archive member '{info.filename}' declares {info.file_size} bytes, "
            f"more than the {limit}-byte limit"
        )
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
    """`(config dict, WeightsMember)` of a `.keras` archive, after safety checks.

    The weights member is not read here: `open_weights` reads it in place (stored
    members) or inflates it once its declared size fits the model.
    """
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
    if not isinstance(config, dict):
        raise ValueError(f"'{CONFIG}' does not hold a model config object")
    return config, WeightsMember(os.fspath(path), infos[WEIGHTS])


class _Window(io.RawIOBase):
    """Read-only file object over `size` bytes at `offset` of the file `path`."""

    def __init__(self, path: str, offset: int, size: int):
        super().__init__()
        self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._offset, self._size, self._pos = offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self._size - self._pos))
        if n == 0:
            return 0
        self._fh.seek(self._offset + self._pos)
        got = self._fh.readinto(memoryview(buffer)[:n])
        self._pos += got
        return got

    def close(self) -> None:
        self._fh.close()
        super().close()


_LOCAL_HEADER = struct.Struct("<4s22xHH")


class WeightsMember:
    """The `model.weights.h5` member of an archive, not read yet."""

    def __init__(self, path: str, info: zipfile.ZipInfo):
        self.path, self.info = path, info

    def _stored_offset(self) -> int:
        """Where a stored member's bytes start in the archive (CRC checked, streamed)."""
        with open(self.path, "rb") as fh:
            fh.seek(self.info.header_offset)
            head = fh.read(_LOCAL_HEADER.size)
            if len(head) < _LOCAL_HEADER.size:
                raise ValueError(f"archive member '{WEIGHTS}' has a truncated header")
            magic, name_len, extra_len = _LOCAL_HEADER.unpack(head)
            if magic != b"PK\x03\x04":
                raise ValueError(f"archive member '{WEIGHTS}' has a bad local header")
            offset = self.info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
            fh.seek(offset)
            crc, left = 0, self.info.file_size
            while left:
                block = fh.read(min(left, 2**20))
                if not block:
                    raise ValueError(f"archive member '{WEIGHTS}' is truncated")
                crc = zlib.crc32(block, crc)
                left -= len(block)
        if crc != self.info.CRC:
            raise ValueError(f"archive member '{WEIGHTS}' is corrupt (bad CRC-32)")
        return offset

    def read_bytes(self, limit: int = _MAX_WEIGHTS_BYTES) -> bytes:
        with _open_zip(self.path) as zf:
            return _read(zf, self.info, limit)

    @property
    def stored(self) -> bool:
        """Whether the member is stored uncompressed (as Keras writes it): read in place."""
        return self.info.compress_type == zipfile.ZIP_STORED

    def opener(self, model=None):
        """`(opener, source, request)` for `check_hdf5`: the member read in place when
        stored, else inflated once its declared size fits what `model` can need."""
        if self.stored:
            offset, size = self._stored_offset(), self.info.file_size

            def open_window():
                return h5py_module().File(_Window(self.path, offset, size), "r")

            request = ("window", os.path.abspath(self.path), offset, size)
            return open_window, self.read_bytes, request
        limit = _weights_budget(model)
        if self.info.file_size > limit:
            raise ValueError(
                f"archive member '{WEIGHTS}' expands {self.info.compress_size} bytes to "
                f"{self.info.file_size}, more than the {limit} bytes this model's weights and "
                "optimizer state can take: refusing a likely zip bomb"
            )
        data = self.read_bytes(limit)
        return (lambda: h5py_module().File(io.BytesIO(data), "r")), data, None


def _weights_budget(model) -> int:
    """Most bytes a weights file of `model` can hold: every weight with up to three
    optimizer slots, plus HDF5's own bookkeeping."""
    if model is None:
        return _MAX_WEIGHTS_BYTES
    weights = list(model.weights)
    nbytes = sum(int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize for w in weights)
    return 4 * nbytes + 4096 * len(weights) + 16 * 2**20


def open_weights(member: WeightsMember, model=None, prepare=None):
    """The weights member as a checked HDF5 file (`h5_preflight.open_checked`).

    `prepare()`, when given, runs while the checker process walks the member.
    """
    from minikeras.saving.h5_preflight import open_checked

    opener, source, request = member.opener(model)
    return open_checked(
        opener,
        f"'{WEIGHTS}' in the archive",
        lambda exc: ValueError(f"'{WEIGHTS}' in the archive is not a readable HDF5 file ({exc})"),
        source=source,
        request=request,
        prepare=prepare,
    )


def load_archive(path, custom_objects=None, compile=True):  # noqa: A002
    """Re-creates the model stored in a `.keras` archive."""
    from minikeras.backend.memory import check_total_allocation, weights_from_file
    from minikeras.saving.legacy_h5_model import _compile_or_warn
    from minikeras.saving.serialization import deserialize_keras_object

    config, weights = read_archive(path)
    compile_cfg = config.get("compile_config")
    built = []

    def build() -> None:
        with weights_from_file():
            built.append(deserialize_keras_object(config, custom_objects=custom_objects))

    if weights.stored:
        # Checking a stored member needs no model: it is built while the checker walks.
        weights_file = open_weights(weights, prepare=build)
    else:  # the inflated size is bounded by what the model can need
        build()
        weights_file = open_weights(weights, built[0])
    with weights_file as f:
        model = built[0]
        check_total_allocation(
            f"The model's weights ({len(model.weights)} arrays)",
            [(w.shape, w.dtype) for w in model.weights],
        )
        if compile and compile_cfg and not _compile_or_warn(model, compile_cfg, custom_objects):
            compile = False  # noqa: A001 - no optimizer state to restore either
        load_weights_repaired(f, model, load_optimizer_state=bool(compile))
    keras3_assets.restore_assets(model, read_assets(path))
    return model


_MAX_ASSET_BYTES = 256 * 2**20


def read_assets(path) -> dict:
    """`{member name: bytes}` of the archive's `assets/` files (size-checked like the rest)."""
    with _open_zip(path) as zf:
        infos = {
            name: info
            for name, info in _check_members(zf).items()
            if name.startswith(keras3_assets.PREFIX) and not name.endswith("/")
        }
        declared = sum(info.file_size for info in infos.values())
        if declared > _MAX_ASSET_BYTES:
            raise ValueError(
                f"the archive's assets declare {declared} bytes, more than the "
                f"{_MAX_ASSET_BYTES}-byte limit"
            )
        return {name: _read(zf, info, _MAX_ASSET_BYTES) for name, info in infos.items()}


def load_weights_repaired(f, model, skip_mismatch=False, load_optimizer_state=True) -> None:
    """`keras3_weights.load_weights_from_h5`, also for Windows-written backslash names."""
    from minikeras.legacy.saving.archive_paths import with_forward_slashes

    repaired = with_forward_slashes(f)
    if repaired is None:
        keras3_weights.load_weights_from_h5(f, model, skip_mismatch, load_optimizer_state)
        return
    with repaired:
        keras3_weights.load_weights_from_h5(repaired, model, skip_mismatch, load_optimizer_state)
