"""Finding dataset files in the Keras cache (shared by every dataset loader)."""

from __future__ import annotations

import os

from minikeras.utils.file_utils import get_file, keras_home

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def cached_file(fname, origin, file_hash=None, cache_subdir="datasets", extract=False, also=()):
    """Path of a dataset file, downloading it only when it is not in the cache.

    A file already in the cache is used as is (not re-hashed), so hand-placed
    or test files load offline.

    Args:
        fname: File (or, with `extract`, folder) name in `<keras_home>/<cache_subdir>`.
        origin: Download URL used when the file is absent.
        file_hash: Expected hash of a downloaded file.
        cache_subdir: Folder below the Keras home.
        extract: Whether `origin` is an archive to unpack into `fname`.
        also: Other names (relative to the cache folder) accepted as already-cached
            copies, e.g. Keras 2's extraction folder.

    Raises:
        OSError: offline and absent, naming the exact path to put the file at.
    """
    datadir = os.path.join(keras_home(), cache_subdir)
    for name in (fname, *also):
        path = os.path.join(datadir, name)
        if os.path.exists(path):
            return path
    try:
        return get_file(
            fname, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir, extract=extract
        )
    except OSError as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        raise OSError(
            f"The dataset file '{fname}' is not in the Keras cache and could not be downloaded "
            f"from {origin} ({reason}). To use it offline, download that file elsewhere and "
            f"put it at {os.path.join(datadir, fname)}"
            + (" (extracted)" if extract else "")
            + ", or set KERAS_HOME to a folder whose "
            "datasets/ sub-folder holds it."
        ) from None


def remove_long_seq(maxlen, seq, label):
    """Keeps the (sequence, label) pairs whose sequence is shorter than `maxlen`."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label
