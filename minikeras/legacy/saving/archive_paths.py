"""`.keras` archives whose weight groups were named with Windows backslashes.

tf.keras 2.15 on Windows wrote `model.weights.h5` groups as `layers\\dense/vars`
(the first path separator came from `os.path.join`). Neither Keras reads them.
`with_forward_slashes(f)` returns an in-memory copy of the file with every
backslash in a group or dataset name turned into `/`, or None when no name has one.
"""

from __future__ import annotations

import io


def _has_backslash(f) -> bool:
    # Only the first separator of a path was a backslash, so the root's names show it.
    return any("\\" in name for name in f)


def with_forward_slashes(f):
    """An h5py.File (in memory) with `/` for `\\` in names, or None if none needs it."""
    if not _has_backslash(f):
        return None
    import h5py

    out = h5py.File(io.BytesIO(), "w")

    def copy(name, obj):
        path = name.replace("\\", "/")
        if hasattr(obj, "shape"):  # an h5py.Dataset or a checked one (h5_checks)
            out.create_dataset(path, data=obj[()])
            target = out[path]
        else:
            target = out.require_group(path)
        for key, value in obj.attrs.items():
            target.attrs[key] = value

    f.visititems(copy)
    return out
