"""Reading a snapshot (`h5_snapshot`) as a loader reads an HDF5 file.

`SnapshotGroup`, `SnapshotDataset` and `SnapshotAttrs` have the interface of
`h5_checks.CheckedGroup`, `CheckedDataset` and `CheckedAttrs`. Arrays are decoded only
as plain numbers, booleans or fixed-length bytes (`_RAW_KINDS`): a payload naming any
other dtype is refused, never given to NumPy.
"""

from __future__ import annotations

import json

import numpy as np

from minikeras.saving.h5_checks import CheckedAttrs, GroupReads
from minikeras.saving.h5_snapshot import _RAW_KINDS


class _Decoder:
    def __init__(self, payload):
        size = int.from_bytes(payload[:8], "big")
        self.tree = json.loads(bytes(payload[8 : 8 + size]))
        self.blob = memoryview(payload)[8 + size :]

    def raw(self, spec: dict) -> np.ndarray:
        dtype = np.dtype(spec["dtype"])
        if dtype.kind not in _RAW_KINDS:
            raise ValueError(f"unexpected dtype {dtype} in a snapshot")
        data = self.blob[spec["at"] : spec["at"] + spec["n"]]
        return np.frombuffer(data, dtype=dtype).reshape(spec["shape"])

    def value(self, spec: dict):
        kind = spec["t"]
        if kind == "str":
            return spec["v"]
        if kind == "npbytes":
            return np.bytes_(spec["v"].encode("latin-1"))
        if kind == "bytes":
            return spec["v"].encode("latin-1")
        if kind == "empty":
            import h5py

            return h5py.Empty(np.dtype(spec["dtype"]))
        if kind == "scalar":
            return self.raw(spec)[()]
        if kind == "array":
            return self.raw(spec).copy()
        if kind == "objects":
            items = [v if t == "s" else v.encode("latin-1") for t, v in spec["items"]]
            out = np.empty(len(items), dtype=object)
            out[:] = items
            return out.reshape(spec["shape"])
        raise ValueError(f"unexpected value kind {kind!r} in a snapshot")


class SnapshotAttrs(CheckedAttrs):
    """The attributes of a snapshot object: `CheckedAttrs` over decoded entries (their
    sizes were checked by the walk that collected them)."""

    def __init__(self, decoder: _Decoder, entries: list):
        super().__init__(dict(entries), "")
        self._decoder = decoder

    def __getitem__(self, name):
        return self._decoder.value(self._attrs[name])


class SnapshotDataset:
    """A snapshot dataset (`h5_checks.CheckedDataset`'s interface)."""

    def __init__(self, decoder: _Decoder, node: dict):
        self._decoder = decoder
        self._node = node
        self._array = decoder.raw(node["data"])

    shape = property(lambda self: self._array.shape)
    dtype = property(lambda self: self._array.dtype)
    size = property(lambda self: self._array.size)
    ndim = property(lambda self: self._array.ndim)
    name = property(lambda self: self._node["name"])
    attrs = property(lambda self: SnapshotAttrs(self._decoder, self._node["attrs"]))

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, index):
        value = self._array[index]
        return value.copy() if isinstance(value, np.ndarray) else value

    def __array__(self, dtype=None, copy=None):
        value = self._array.copy()
        return value if dtype is None else value.astype(dtype)


def _index(node: dict) -> dict:
    """`{name: child node}` of a group node, made once."""
    if "index" not in node:
        node["index"] = dict(node["children"])
    return node["index"]


class SnapshotGroup(GroupReads):
    """A snapshot group or file (`h5_checks.CheckedGroup`'s interface)."""

    def __init__(self, decoder: _Decoder, node: dict | None = None):
        self._decoder = decoder
        self._node = decoder.tree if node is None else node
        self._where = self._node["name"].strip("/")

    @classmethod
    def from_payload(cls, payload) -> SnapshotGroup:
        return cls(_Decoder(payload))

    name = property(lambda self: self._node["name"])
    attrs = property(lambda self: SnapshotAttrs(self._decoder, self._node["attrs"]))

    def _wrap(self, node: dict):
        if "data" in node:
            return SnapshotDataset(self._decoder, node)
        return SnapshotGroup(self._decoder, node)

    def _follow(self, key):
        node = self._node
        for part in str(key).split("/"):
            if not part:
                continue
            if "data" in node:
                return None
            node = _index(node).get(part)
            if node is None:
                return None
        return self._wrap(node) if node is not self._node else self

    def __contains__(self, key) -> bool:
        return self._follow(key) is not None

    def __iter__(self):
        return iter(_index(self._node))

    def __len__(self) -> int:
        return len(_index(self._node))

    def keys(self):
        return list(_index(self._node))

    def _address(self, obj):
        """A snapshot holds each object under one name: its node identifies it."""
        return id(obj._node)

    def close(self) -> None:
        return None
