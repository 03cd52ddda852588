"""Weights as a NumPy `.npz` archive (no pickled objects).

Written with one array per weight in `model.weights` order, keyed
`"<index>/<weight path>"` (e.g. `"0/dense/kernel"`). Read: that, and the plain
`np.savez(path, *model.get_weights())` form (`arr_0`, `arr_1`, ...), matched by
order with shape checks. Files are opened with `allow_pickle=False`.
"""

from __future__ import annotations

import zipfile
import zlib

import numpy as np


def save_npz(path: str, model) -> None:
    arrays = {f"{i}/{w.path}": np.asarray(w.value) for i, w in enumerate(model.weights)}
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _order_key(key: str):
    head = key.split("/", 1)[0]
    if head.startswith("arr_"):
        head = head[4:]
    if not head.isdigit():
        raise ValueError(
            f"unexpected array name {key!r}: expected '<index>/<weight path>' or 'arr_<n>'"
        )
    return int(head)


_BOMB_MIN_BYTES = 2**20
_MAX_RATIO = 200


def _read_header(fh, key: str):
    """`(shape, fortran_order, dtype)` from a member's `.npy` header; nothing else read."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fh)
        if version == (1, 0):
            header = fmt.read_array_header_1_0(fh)
        elif version in ((2, 0), (3, 0)):
            header = fmt.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except (ValueError, EOFError, SyntaxError) as exc:
        raise ValueError(f"array '{key}' has an unreadable .npy header ({exc})") from None
    shape, fortran, dtype = header
    if dtype.hasobject:
        raise ValueError(
            f"array '{key}' holds Python objects, which cannot be loaded with "
            "allow_pickle=False (minikeras never unpickles)"
        )
    return tuple(shape), fortran, dtype


def _read_array(zf, info, key: str, weight):
    """The member's array, after its header matched `weight`'s shape (streamed, bounded)."""
    if info.file_size > _BOMB_MIN_BYTES and info.file_size > _MAX_RATIO * max(
        info.compress_size, 1
    ):
        raise ValueError(
            f"array '{key}' expands {info.compress_size} bytes to {info.file_size}: refusing "
            "a likely zip bomb"
        )
    with zf.open(info) as fh:
        shape, fortran, dtype = _read_header(fh, key)
        if shape != tuple(weight.shape):
            raise ValueError(
                f"Shape mismatch for weight '{weight.path}': the model expects "
                f"{tuple(weight.shape)}, the file's array '{key}' has {shape}."
            )
        nbytes = int(np.prod(shape)) * dtype.itemsize
        data = fh.read(nbytes)
    if len(data) != nbytes:
        raise ValueError(f"array '{key}' is truncated ({len(data)} of {nbytes} bytes)")
    value = np.frombuffer(data, dtype=dtype)
    return value.reshape(shape[::-1]).T if fortran else value.reshape(shape)


def load_npz(path: str, model) -> None:
    """Assigns the arrays of an `.npz` file to `model.weights`, in order.

    Each member's `.npy` header is read and checked against the weight before its data
    is inflated (streamed, exactly the declared bytes).

    Raises:
        ValueError: on a count or shape mismatch, naming the weight.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"not a readable .npz archive ({exc})") from None
    with zf:
        infos = {
            info.filename[:-4]: info for info in zf.infolist() if info.filename.endswith(".npy")
        }
        keys = sorted(infos, key=_order_key)
        weights = model.weights
        if len(keys) != len(weights):
            raise ValueError(
                f"the model has {len(weights)} weights, the file has {len(keys)} arrays"
            )
        try:
            values = [_read_array(zf, infos[k], k, w) for k, w in zip(keys, weights)]
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ValueError(f"cannot read the arrays ({exc})") from None
    for w, v in zip(weights, values):
        w.assign(np.asarray(v, dtype=w.dtype))
