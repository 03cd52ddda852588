"""`tf.data.TextLineDataset`: the lines of text files, read lazily."""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

from minikeras.data.dataset import UNKNOWN, Dataset
from minikeras.data.spec import TensorSpec

_COMPRESSIONS = (None, "", "GZIP", "ZLIB")


def _lines(path: str, compression_type):
    if compression_type == "GZIP":
        with gzip.open(path, "rb") as f:
            yield from f
        return
    if compression_type == "ZLIB":
        with open(path, "rb") as f:
            yield from zlib.decompress(f.read()).splitlines(keepends=True)
        return
    with open(path, "rb") as f:
        yield from f


def TextLineDataset(  # noqa: N802 - TensorFlow's name for this dataset class
    filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None
) -> Dataset:
    """One string element per line of each file, without its line ending.

    Files are opened when the dataset is iterated, one after the other, as
    `tf.data.TextLineDataset` reads them (its cardinality is unknown).

    Args:
        filenames: A file name, or a list / 1-D tensor of them.
        compression_type: `None` / `""`, `"GZIP"` or `"ZLIB"`.
        buffer_size, num_parallel_reads, name: Accepted for compatibility.

    Raises:
        ValueError: for an unknown compression type.
    """
    if compression_type not in _COMPRESSIONS:
        raise ValueError(
            f"Unsupported compression_type {compression_type!r}: use None, '', 'GZIP' or 'ZLIB'."
        )
    if isinstance(filenames, (str, bytes, os.PathLike)):
        names = [filenames]
    else:
        names = list(np.asarray(filenames).reshape(-1))
    names = [os.fsdecode(n) if isinstance(n, bytes) else str(n) for n in names]

    def source():
        for path in names:
            for line in _lines(path, compression_type):
                yield np.asarray(line.rstrip(b"\n").rstrip(b"\r").decode("utf-8"))

    return Dataset(source, UNKNOWN, TensorSpec((), "string"), "TextLine")
