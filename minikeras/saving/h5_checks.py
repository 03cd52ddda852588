"""What an HDF5 file may contain before minikeras reads from it, checked on metadata only.

A weights file must be self-contained and must not make the reader allocate what it
merely declares. Refused (as Keras 3 refuses the first two):

- external links (`h5py.ExternalLink`: an object of another file) and user-defined links;
- soft links whose target leaves the file (through an external link);
- datasets with external raw storage (`create_dataset(..., external=[...])`: bytes of
  any file on disk) and virtual datasets (data mapped from other files);
- datasets using a filter that is not built into HDF5/h5py (a user-defined plugin);
- chunked datasets whose chunk (decompressed at once) is far bigger than the data, and
  datasets declaring more than 64 MiB and over 1000 times what they store;
- attributes declaring more than 256 MiB.

`CheckedGroup` / `CheckedDataset` wrap an open `h5py` file for the loaders: every
link is checked as it is followed, every dataset before its data is read, so only
what a layer uses is ever touched. `walk_problems` applies the same checks to a
whole file, for the preflight (`h5_preflight`), within a budget: it stops at a group
with more members (or an object with more attributes) than the budget has left, does
not list groups nested deeper than `MAX_WALK_DEPTH`, and reads through HDF5's own
calls (`h5o`, `h5a`), not h5py's object layer.
"""

from __future__ import annotations

import collections
import math
import time

import numpy as np

# HDF5's built-in filters and h5py's bundled LZF: gzip, shuffle, fletcher32, szip,
# n-bit, scale-offset, lzf.
_BUILTIN_FILTERS = {1, 2, 3, 4, 5, 6, 32000}
_MAX_ATTRIBUTE_BYTES = 256 * 2**20
_BOMB_FLOOR_BYTES = 64 * 2**20
_MAX_EXPANSION = 1000
_MAX_SOFT_HOPS = 16
MAX_WALK_DEPTH = 32
"""Groups nested deeper than this are not listed by the preflight walk. A Keras file
nests weights a few levels per nested model (`layers/<name>/vars/0`); a deeper chain is
left to `CheckedGroup`, which checks whatever a loader opens."""


class HDF5Refused(ValueError):
    """A file holds something minikeras does not read (external data, a plugin filter...)."""


def _text(value) -> str:
    return value.decode("utf8", "replace") if isinstance(value, bytes) else str(value)


def _is_utf8(raw: bytes) -> bool:
    """Whether a name HDF5 gives is UTF-8 (h5py then gives it as `str`, else as bytes)."""
    try:
        raw.decode("utf8")
    except UnicodeDecodeError:
        return False
    return True


def _join(where: str, name) -> str:
    name = _text(name)
    return name if where in ("", "/") else f"{where}/{name}"


def _h5():
    import h5py

    return h5py


def link_problem(gid, name: bytes, where: str, info=None) -> str | None:
    """Why following link `name` of the group `gid` is not allowed, or None."""
    h5l = _h5().h5l
    info = gid.links.get_info(name) if info is None else info
    if info.type == h5l.TYPE_HARD:
        return None
    if info.type == h5l.TYPE_EXTERNAL:
        filename, target = gid.links.get_val(name)
        return (
            f"Not allowed: '{where}' is an external link to '{_text(target)}' in another "
            f"file ('{_text(filename)}'); minikeras reads only self-contained HDF5 files"
        )
    if info.type == h5l.TYPE_SOFT:
        return _soft_problem(gid, _text(gid.links.get_val(name)), where, 0)
    return f"Not allowed: '{where}' is a user-defined HDF5 link (type {info.type})"


def _soft_problem(gid, target: str, where: str, hops: int) -> str | None:
    """Why the soft link `where` -> `target` leaves the file, or None (dangling is fine)."""
    h5o = _h5().h5o
    if hops > _MAX_SOFT_HOPS:
        return f"Not allowed: '{where}' starts a chain of more than {_MAX_SOFT_HOPS} soft links"
    if target.startswith("/"):
        gid = h5o.open(gid, b"/")
    parts = [p for p in target.split("/") if p and p != "."]
    for i, part in enumerate(parts):
        key = part.encode("utf8")
        if not gid.links.exists(key):
            return None
        info = gid.links.get_info(key)
        h5l = _h5().h5l
        if info.type == h5l.TYPE_SOFT:
            rest = "/".join(parts[i + 1 :])
            inner = _text(gid.links.get_val(key))
            problem = _soft_problem(gid, inner, where, hops + 1)
            if problem is not None or not rest:
                return problem
            return None  # the rest is checked when the loader follows it
        if info.type != h5l.TYPE_HARD:
            return (
                f"Not allowed: soft link '{where}' points to '{target}', which leaves the "
                "file (through an external or user-defined link)"
            )
        if i < len(parts) - 1:
            gid = h5o.open(gid, key)
            if not isinstance(gid, _h5().h5g.GroupID):
                return None
    return None


def declared_bytes(did) -> int:
    """Bytes the dataset or attribute `did` declares (shape x item size), nothing read."""
    shape = did.shape or ()
    return math.prod(int(d) for d in shape) * did.get_type().get_size()


def dataset_problem(did, where: str, dcpl=None) -> str | None:
    """Why reading the dataset `did` is not allowed, or None. Metadata only.

    `dcpl`: the dataset's creation property list, when the caller already has it."""
    h5d = _h5().h5d
    dcpl = did.get_create_plist() if dcpl is None else dcpl
    if dcpl.get_external_count():
        name = _text(dcpl.get_external(0)[0])
        return (
            f"Not allowed: dataset '{where}' stores its data in an external file "
            f"('{name}'); minikeras reads only self-contained HDF5 files"
        )
    layout = dcpl.get_layout()
    if layout == h5d.VIRTUAL:
        return (
            f"Not allowed: dataset '{where}' is a virtual dataset (its data is mapped "
            "from other files)"
        )
    for i in range(dcpl.get_nfilters()):
        code, _, _, fname = dcpl.get_filter(i)
        if code not in _BUILTIN_FILTERS:
            return (
                f"Not allowed: dataset '{where}' uses a user-defined HDF5 filter (id "
                f"{code}, '{_text(fname)}')"
            )
    nbytes = declared_bytes(did)
    if layout == h5d.CHUNKED:
        chunk = dcpl.get_chunk()
        chunk_bytes = math.prod(int(c) for c in chunk) * did.dtype.itemsize
        if chunk_bytes > max(4 * nbytes, 2**20):
            return (
                f"dataset '{where}' declares chunks of {chunk_bytes} bytes for "
                f"{nbytes} bytes of data: refusing to decompress them"
            )
    return None


def read_problem(did, where: str) -> str | None:
    """Why the data of `did` must not be read into memory now, or None."""
    nbytes = declared_bytes(did)
    if nbytes < 2**20:
        return None
    if nbytes > _BOMB_FLOOR_BYTES:
        stored = did.get_storage_size()
        if nbytes > _MAX_EXPANSION * max(stored, 1):
            return (
                f"dataset '{where}' declares {nbytes} bytes but stores only {stored}: "
                "refusing a likely decompression (shape) bomb"
            )
    from minikeras.backend.memory import available_memory_bytes

    available = available_memory_bytes()
    if available is not None and nbytes > available:
        return (
            f"dataset '{where}' declares {nbytes} bytes, more than the {available} "
            "bytes of memory available"
        )
    return None


def attribute_problem(aid, owner: str, name) -> str | None:
    """Why the attribute `aid` must not be read, or None."""
    nbytes = declared_bytes(aid)
    if nbytes > _MAX_ATTRIBUTE_BYTES:
        return (
            f"attribute '{_text(name)}' of '{owner or '/'}' declares {nbytes} bytes "
            f"(more than {_MAX_ATTRIBUTE_BYTES})"
        )
    return None


class CheckedAttrs:
    """`obj.attrs` that checks an attribute's declared size before reading it."""

    def __init__(self, attrs, owner: str):
        self._attrs = attrs
        self._owner = owner

    def __contains__(self, name) -> bool:
        return name in self._attrs

    def __iter__(self):
        return iter(self._attrs)

    def __len__(self) -> int:
        return len(self._attrs)

    def keys(self):
        return self._attrs.keys()

    def items(self):
        return [(name, self[name]) for name in self._attrs]

    def __getitem__(self, name):
        problem = attribute_problem(self._attrs.get_id(name), self._owner, name)
        if problem is not None:
            raise HDF5Refused(problem)
        return self._attrs[name]

    def get(self, name, default=None):
        return self[name] if name in self._attrs else default


class CheckedDataset:
    """A dataset whose data is read only after its metadata passed the checks."""

    def __init__(self, dataset, where: str):
        self._ds = dataset
        self._where = where

    shape = property(lambda self: self._ds.shape)
    dtype = property(lambda self: self._ds.dtype)
    size = property(lambda self: self._ds.size)
    ndim = property(lambda self: self._ds.ndim)
    name = property(lambda self: self._ds.name)
    attrs = property(lambda self: CheckedAttrs(self._ds.attrs, self._where))

    def __len__(self) -> int:
        return len(self._ds)

    def __getitem__(self, index):
        problem = read_problem(self._ds.id, self._where)
        if problem is not None:
            raise HDF5Refused(problem)
        return self._ds[index]

    def __array__(self, dtype=None, copy=None):
        value = np.asarray(self[()])
        return value if dtype is None else value.astype(dtype)


class GroupReads:
    """What a loader calls on a file or group, over `_follow(key)` (the object at a
    relative path, or None), `_address(obj)` (what identifies an object met under two
    names) and `_where` (the group's path inside the file, for messages). Shared by
    `CheckedGroup` and `h5_snapshot_reader.SnapshotGroup`."""

    _where = ""

    def _follow(self, key):
        raise NotImplementedError

    def _address(self, obj):
        raise NotImplementedError

    def visititems(self, fn) -> None:
        """Calls `fn(name, obj)` for every object below, breadth first (an object under
        several names, or in a hard-link cycle, is visited once)."""
        seen = set()
        queue = collections.deque([("", self)])
        while queue:
            prefix, group = queue.popleft()
            for key in group:
                obj = group[key]
                addr = self._address(obj)
                if addr in seen:
                    continue
                seen.add(addr)
                name = f"{prefix}{key}"
                fn(name, obj)
                if isinstance(obj, GroupReads):
                    queue.append((f"{name}/", obj))

    def __getitem__(self, key):
        obj = self._follow(key)
        if obj is None:
            raise KeyError(f"no object '{_join(self._where, key)}' in the file")
        return obj

    def get(self, key, default=None):
        obj = self._follow(key)
        return default if obj is None else obj

    def visit(self, fn) -> None:
        self.visititems(lambda name, _obj: fn(name))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CheckedGroup(GroupReads):
    """An HDF5 group (or file) whose links and datasets are checked as they are opened."""

    def __init__(self, group, where: str = ""):
        self._g = group
        self._where = where
        self._last = (None, None)

    name = property(lambda self: self._g.name)
    attrs = property(lambda self: CheckedAttrs(self._g.attrs, self._where))

    def _follow(self, key: str):
        """The object at the relative path `key` (checked), or None when it does not exist.

        Loaders ask `name in group` and then `group[name]`: the last answer is reused.
        """
        if key == self._last[0]:
            return self._last[1]
        h5 = _h5()
        gid, oid, where = self._g.id, None, self._where
        for part in str(key).split("/"):
            if not part:
                continue
            if oid is not None:
                if not isinstance(oid, h5.h5g.GroupID):
                    return None
                gid = oid
            name = part.encode("utf8")
            links = gid.links
            if not links.exists(name):
                return None
            where = _join(where, part)
            problem = link_problem(gid, name, where, links.get_info(name))
            if problem is not None:
                raise HDF5Refused(problem)
            try:
                oid = h5.h5o.open(gid, name)
            except KeyError:
                return None  # a dangling soft link
        if oid is None:
            out = self
        elif isinstance(oid, h5.h5d.DatasetID):
            problem = dataset_problem(oid, where)
            if problem is not None:
                raise HDF5Refused(problem)
            out = CheckedDataset(h5.Dataset(oid), where)
        elif isinstance(oid, h5.h5g.GroupID):
            out = CheckedGroup(h5.Group(oid), where)
        else:
            return None
        self._last = (key, out)
        return out

    def __contains__(self, key) -> bool:
        try:
            return self._follow(key) is not None
        except HDF5Refused:
            return True  # it exists; reading it raises

    def __iter__(self):
        return iter(self._g)

    def __len__(self) -> int:
        return len(self._g)

    def keys(self):
        return self._g.keys()

    def _address(self, obj):
        """The object's address in the file (each link to it was checked on the way)."""
        oid = obj._ds.id if isinstance(obj, CheckedDataset) else obj._g.id
        return _h5().h5o.get_info(oid).addr

    def close(self) -> None:
        self._g.file.close()


class _Budget:
    """Counts walked objects; says when to stop; reports progress every 50 ms."""

    def __init__(self, report, max_objects: int, max_seconds: float):
        self.report = report
        self.left = max_objects
        self.deadline = time.monotonic() + max_seconds
        self.last = 0.0

    def spent(self) -> bool:
        self.left -= 1
        now = time.monotonic()
        if self.report is not None and now - self.last > 0.05:
            self.last = now
            self.report()
        return self.left < 0 or now > self.deadline

    def lister(self, names: list):
        """An h5py iteration callback that appends each name to `names` and stops the
        listing (returns non-None) once the budget is spent."""

        def collect(name, *_):
            return 1 if self.spent() else names.append(name)

        return collect


class _NoCollector:
    """The collector of a walk that keeps nothing (`h5_snapshot.Collector`'s interface)."""

    def partial(self) -> None:
        return None

    def group(self, where, gid, num_attrs) -> None:
        return None

    def order(self, where, gid, count) -> None:
        return None

    def dataset(self, where, did, num_attrs) -> None:
        return None

    def attribute(self, where, name, value) -> None:
        return None


def _stopped(result) -> bool:
    """Whether an h5py iteration was stopped by its callback (links answer `(value, index)`)."""
    return (result[0] if isinstance(result, tuple) else result) is not None


def attribute_value(aid):
    """The value of the attribute `aid` as h5py's `obj.attrs[name]` gives it (reading it
    also reads any variable-length data it points to)."""
    h5 = _h5()
    shape = aid.shape
    if shape is None:  # a null dataspace
        return h5.Empty(aid.dtype)
    dtype, mtype = aid.dtype, None
    if dtype.subdtype is not None:  # array-typed: read as a plain array one rank higher
        mtype = h5.h5t.py_create(dtype)
        dtype, inner = dtype.subdtype
        shape = shape + inner
    value = np.zeros(shape, dtype=dtype)
    aid.read(value, mtype=mtype)
    string = h5.h5t.check_string_dtype(dtype)
    if string is not None and string.length is None:  # variable-length: bytes -> str
        texts = [b.decode("utf-8", "surrogateescape") for b in value.flat]
        value = np.array(texts, dtype=dtype).reshape(value.shape)
    return value[()] if value.ndim == 0 else value


def _attributes_problem(oid, where: str, count: int, budget: _Budget, collector):
    """Checks and reads the `count` attributes of `oid` if the budget allows: the first
    problem, `_OUT_OF_BUDGET`, or None."""
    h5 = _h5()
    if count > budget.left:
        return _OUT_OF_BUDGET
    names: list = []
    if _stopped(h5.h5a.iterate(oid, budget.lister(names), order=h5.h5.ITER_NATIVE)):
        return _OUT_OF_BUDGET
    for name in names:
        if budget.spent():
            return _OUT_OF_BUDGET
        aid = h5.h5a.open(oid, name)
        problem = attribute_problem(aid, where, name)
        if problem is not None:
            return problem
        value = attribute_value(aid)
        if _is_utf8(name):
            collector.attribute(where, _text(name), value)
        else:
            collector.partial()  # h5py gives this name as bytes; a snapshot holds text
    return None


_OUT_OF_BUDGET = object()


def walk_problems(
    f,
    report=None,
    max_objects: int = 5000,
    max_seconds: float = 0.5,
    max_depth: int = MAX_WALK_DEPTH,
    collector=None,
) -> str | None:
    """Checks links, datasets and attributes of the open file `f`, breadth first.

    Attributes are read (their values), datasets only described (and the chunk index
    of chunked ones walked). The walk stops after `max_objects` objects and attributes
    or `max_seconds`, and does not list groups deeper than `max_depth`; whatever it did
    not reach is still checked by `CheckedGroup` when a loader opens it. `report()` is
    called at least every 50 ms of progress. A `collector` (`h5_snapshot.Collector`)
    is given every object, attribute value and dataset the walk passes, and told when
    the walk did not cover the whole file.

    Returns:
        The first problem found, or None.
    """
    h5 = _h5()
    h5o, h5d, h5l = h5.h5o, h5.h5d, h5.h5l
    budget = _Budget(report, max_objects, max_seconds)
    root = h5o.open(f.id, b"/")
    info = h5o.get_info(root)
    seen = {info.addr}
    queue = collections.deque([(root, "", 0, info.num_attrs)])
    names: list = []
    collect = budget.lister(names)
    collector = _NoCollector() if collector is None else collector
    partial = collector.partial
    collector.group("", root, info.num_attrs)

    while queue:
        oid, where, depth, num_attrs = queue.popleft()
        problem = _attributes_problem(oid, where, num_attrs, budget, collector)
        if problem is _OUT_OF_BUDGET:
            return partial()  # too many attributes to walk (30,000: still valid)
        if problem is not None:
            return problem
        if not isinstance(oid, h5.h5g.GroupID):
            continue
        if depth >= max_depth:
            partial()
            continue
        if len(oid) > budget.left:
            return partial()  # too many members to walk (20,000 datasets: still valid)
        names.clear()
        links = oid.links
        if _stopped(links.iterate(collect, order=h5.h5.ITER_NATIVE)):
            return partial()  # out of budget while listing a huge group (still valid)
        collector.order(where, oid, len(names))
        for name in names:
            if budget.spent():
                return partial()
            path = _join(where, name)
            link = links.get_info(name)
            problem = link_problem(oid, name, path, link)
            if problem is not None:
                return problem
            if not _is_utf8(name):
                partial()  # h5py gives this name as bytes; a snapshot holds text
            if link.type != h5l.TYPE_HARD:
                partial()  # a soft link inside the file: the loader follows it itself
                continue
            child = h5o.open(oid, name)
            info = h5o.get_info(child)
            if info.addr in seen:
                partial()  # an object under two names
                continue
            seen.add(info.addr)
            if info.type == h5o.TYPE_DATASET:
                dcpl = child.get_create_plist()
                problem = dataset_problem(child, path, dcpl)
                if problem is not None:
                    return problem
                if dcpl.get_layout() == h5d.CHUNKED:
                    child.get_num_chunks()  # walks the chunk index (a loop there hangs HDF5)
                collector.dataset(path, child, info.num_attrs)
            elif info.type == h5o.TYPE_GROUP:
                collector.group(path, child, info.num_attrs)
            else:
                partial()
                continue
            queue.append((child, path, depth + 1, info.num_attrs))
    return None
