"""Weights as a NumPy `.npz` archive (no pickled objects).

Written with one array per weight in `model.weights` order, keyed
`"<index>/<weight path>"` (e.g. `"0/dense/kernel"`). Read: that, and the plain
`np.savez(path, *model.get_weights())` form (`arr_0`, `arr_1`, ...), matched by
order with shape checks. Files are opened with `allow_pickle=False`.
"""

from __future__ import annotations

import zipfile

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
            f"unexpected array name {key!r}: expected '<index>/<weight path>' or 'arr_<n>'")
    return int(head)


def load_npz(path: str, model) -> None:
    """Assigns the arrays of an `.npz` file to `model.weights`, in order.

    Raises:
        ValueError: on a count or shape mismatch, naming the weight.
    """
    try:
        archive = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValueError(f"not a readable .npz archive ({exc})") from None
    with archive:
        keys = sorted(archive.files, key=_order_key)
        weights = model.weights
        if len(keys) != len(weights):
            raise ValueError(
                f"the model has {len(weights)} weights, the file has {len(keys)} arrays")
        try:
            values = [archive[k] for k in keys]
        except ValueError as exc:
            raise ValueError(f"cannot read the arrays ({exc})") from None
    for key, w, v in zip(keys, weights, values):
        if tuple(v.shape) != tuple(w.shape):
            raise ValueError(
                f"Shape mismatch for weight '{w.path}': the model expects {tuple(w.shape)}, "
                f"the file's array '{key}' has {tuple(v.shape)}.")
    for w, v in zip(weights, values):
        w.assign(np.asarray(v, dtype=w.dtype))
