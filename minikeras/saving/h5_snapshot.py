"""A small HDF5 file read whole by the checker process and handed over as plain data.

For a file of at most `MAX_BYTES` on disk (`FIRST_LOAD_MAX_BYTES` for a process's first
check, before it has imported h5py), the checker (`h5_checker`) gives its walk
(`h5_checks.walk_problems`) a `Collector`, which keeps every group, dataset and
attribute value the walk reads. When the walk covered the whole file and found nothing
wrong, and everything in it is of a kind encoded here (hard links only, no object
under two names, at most `MAX_OBJECTS` objects, the value types below), the checker
sends back `Collector.payload()`: a JSON description and the raw array bytes, nothing
executable. The loading process then reads the file from
`h5_snapshot_reader.SnapshotGroup` (the interface of `h5_checks.CheckedGroup`) without
opening it in HDF5 at all, which skips the cost of a second pass through h5py for a
file that small. Any other file is read by the loader through `CheckedGroup`.

Values keep the types h5py gives: `str` for variable-length strings, `numpy.bytes_`
for fixed-length ones, NumPy scalars and arrays (numbers, booleans, fixed-length
bytes), object arrays of `str` or `bytes`, `h5py.Empty`. Members and attributes are
listed in h5py's order: by name, or in creation order where the object tracks it.
"""

from __future__ import annotations

import json

import numpy as np

from minikeras.saving.h5_checks import declared_bytes

MAX_OBJECTS = 2000
MAX_BYTES = 256 * 2**10
"""Data and text a snapshot may hold. Each megabyte costs about 1 ms more sent back than
read by the loader once h5py is imported (median warm `load_model`: a 15 MB `.h5` 45-65 ms
sent back, 31-52 ms read), so well above this the loader's own read is faster."""
FIRST_LOAD_MAX_BYTES = 4 * 2**20
"""The limit for the first check of a process that has not imported h5py yet: a file sent
back whole spares it that import. Measured on a first load (median ms after `import numpy`,
sent back against read as before): a 2.7 MB `.keras` 144 against 179, an 8 MB `.h5` 155
against 151, a 15 MB `.h5` 175 against 162."""
_RAW_KINDS = "biufcS"


class Unsupported(Exception):
    """The file holds something the snapshot does not encode: the loader reads it itself."""


def request_bytes(request) -> int:
    """The size on disk of the file a checker request describes (it bounds its data)."""
    import os

    return int(request[3]) if request[0] == "window" else os.path.getsize(request[1])


def wanted(request, limit: int | None = None) -> bool:
    """Whether the file a checker request describes is small enough to snapshot under
    `limit` (default `MAX_BYTES`); a bigger file is not collected at all."""
    return request_bytes(request) <= (MAX_BYTES if limit is None else limit)


def _name(raw: bytes) -> str:
    """A link or attribute name as h5py gives it."""
    return raw.decode("utf-8", "surrogateescape")


def _name_key(name: str) -> bytes:
    """The sort key of HDF5's name index (byte order)."""
    return name.encode("utf-8", "surrogateescape")


def _tracks(oid, what: str) -> bool:
    """Whether the object records the creation order of its attributes or links."""
    import h5py

    plist = oid.get_create_plist()
    flags = plist.get_attr_creation_order() if what == "attr" else plist.get_link_creation_order()
    return bool(flags & h5py.h5p.CRT_ORDER_TRACKED)


class Collector:
    """Builds the snapshot from what `h5_checks.walk_problems` passes it (its `collector`):
    each group and dataset as it is reached, each attribute value as it is read."""

    def __init__(self, limit: int | None = None):
        self.limit = MAX_BYTES if limit is None else limit
        self.arrays: list[np.ndarray] = []  # the raw data, as bytes, in payload order
        self.blob_size = 0
        self.spent = 0  # bytes of data and text so far
        self.nodes: dict = {}  # path inside the file -> node
        self.failed = False

    def partial(self) -> None:
        """The walk did not cover the whole file (or reached something not encoded)."""
        self.failed = True

    def _take(self, nbytes: int) -> None:
        self.spent += nbytes
        if self.spent > self.limit:
            raise Unsupported("too much data")

    def _text(self, value: str) -> str:
        self._take(len(value))
        return value

    def _raw(self, array: np.ndarray) -> dict:
        if array.dtype.kind not in _RAW_KINDS or array.dtype.fields is not None:
            raise Unsupported(f"dtype {array.dtype}")
        self._take(array.nbytes)
        raw = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        self.arrays.append(raw)
        offset, self.blob_size = self.blob_size, self.blob_size + raw.size
        return {"dtype": array.dtype.str, "shape": list(array.shape), "at": offset, "n": raw.size}

    def _value(self, value) -> dict:
        import h5py

        if isinstance(value, str):
            return {"t": "str", "v": self._text(value)}
        if isinstance(value, np.bytes_):
            return {"t": "npbytes", "v": self._text(bytes(value).decode("latin-1"))}
        if isinstance(value, bytes):
            return {"t": "bytes", "v": self._text(value.decode("latin-1"))}
        if isinstance(value, h5py.Empty):
            return {"t": "empty", "dtype": np.dtype(value.dtype).str}
        if isinstance(value, np.generic):
            return {"t": "scalar", **self._raw(np.asarray(value))}
        if isinstance(value, np.ndarray) and value.dtype == object:
            items = []
            for item in value.ravel():
                if isinstance(item, str):
                    items.append(["s", self._text(item)])
                elif isinstance(item, bytes):
                    items.append(["b", self._text(item.decode("latin-1"))])
                else:
                    raise Unsupported(f"object item {type(item).__name__}")
            return {"t": "objects", "shape": list(value.shape), "items": items}
        if isinstance(value, np.ndarray):
            return {"t": "array", **self._raw(value)}
        raise Unsupported(type(value).__name__)

    def _node(self, where: str, oid, num_attrs: int, node: dict) -> None:
        import h5py

        if self.failed:
            return
        if len(self.nodes) >= MAX_OBJECTS:
            self.failed = True
            return
        node["name"] = "/" + where
        node["attrs"] = []
        if num_attrs > 1 and _tracks(oid, "attr"):
            # h5py lists these attributes in creation order, others by name
            names: list = []
            h5py.h5a.iterate(oid, names.append, index_type=h5py.h5.INDEX_CRT_ORDER)
            node["attr_order"] = [_name(n) for n in names]
        self.nodes[where] = node

    def group(self, where: str, gid, num_attrs: int) -> None:
        self._node(where, gid, num_attrs, {"order": None})

    def order(self, where: str, gid, count: int) -> None:
        """The group's members in the order h5py lists them: by name (the order `payload`
        sorts them in), or in creation order where the group tracks it."""
        if self.failed or where not in self.nodes or count < 2:
            return
        if _tracks(gid, "link"):
            self.nodes[where]["order"] = [_name(n) for n in gid]

    def dataset(self, where: str, did, num_attrs: int) -> None:
        import h5py

        node: dict = {}
        self._node(where, did, num_attrs, node)
        if self.failed:
            return
        try:
            shape, dtype = did.shape, did.dtype
            if shape is None or dtype.kind not in _RAW_KINDS or dtype.fields is not None:
                raise Unsupported("an empty or non-numeric dataset")
            if self.spent + declared_bytes(did) > self.limit:
                raise Unsupported("too much data")  # checked before anything is read
            data = np.empty(shape, dtype=dtype)
            if data.size:
                did.read(h5py.h5s.ALL, h5py.h5s.ALL, data)
            node["data"] = self._raw(data)
        except Unsupported:
            self.failed = True

    def attribute(self, where: str, name: str, value) -> None:
        node = self.nodes.get(where)
        if self.failed or node is None:
            return
        try:
            node["attrs"].append([name, self._value(value)])
        except Unsupported:
            self.failed = True

    def payload(self) -> bytes | None:
        """The encoded snapshot (8-byte length, JSON description, array bytes), or None
        when the walk did not give a whole file."""
        parts = self.payload_parts()
        return None if parts is None else b"".join(parts)

    def payload_parts(self) -> list | None:
        """`payload()` as the buffers it joins (the arrays are not copied), or None."""
        if self.failed or "" not in self.nodes:
            return None
        kids: dict = {where: {} for where, node in self.nodes.items() if "order" in node}
        for where, node in self.nodes.items():
            if where:
                parent, _, key = where.rpartition("/")
                kids[parent][key] = node
        for where, node in self.nodes.items():
            if "attr_order" in node:
                rank = {name: i for i, name in enumerate(node.pop("attr_order"))}
                node["attrs"].sort(key=lambda entry: rank.get(entry[0], len(rank)))
            else:
                node["attrs"].sort(key=lambda entry: _name_key(entry[0]))
            if "order" in node:
                names = node.pop("order")
                if names is None:
                    names = sorted(kids[where], key=_name_key)
                elif sorted(names) != sorted(kids[where]):
                    return None  # a member the walk did not give
                node["children"] = [[name, kids[where][name]] for name in names]
        head = json.dumps(self.nodes[""], separators=(",", ":")).encode("utf8")
        return [len(head).to_bytes(8, "big") + head, *self.arrays]
