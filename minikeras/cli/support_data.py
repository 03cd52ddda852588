"""The committed list of public Keras / tf_keras / TensorFlow names (`data/keras_names.tsv`).

The list is written once by `scripts/support/dump_keras_names.py` against real Keras and
read here; minikeras never imports Keras.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib

NAMES_FILE = pathlib.Path(__file__).with_name("data") / "keras_names.tsv"


@dataclasses.dataclass(frozen=True)
class KerasName:
    """One public name: `keras.layers.Dense`, kind `class`, source `keras3`."""

    name: str
    kind: str
    source: str  # keras3, tf_keras (2.x only) or tensorflow
    arguments: tuple[str, ...]  # named arguments of the callable; ("?",) when unknown


@functools.lru_cache(maxsize=1)
def keras_names() -> tuple[KerasName, ...]:
    """Every row of the committed list (empty when the file is absent)."""
    if not NAMES_FILE.is_file():
        return ()
    rows = []
    for line in NAMES_FILE.read_text(encoding="utf8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, kind, source, arguments = line.split("\t")
        rows.append(KerasName(name, kind, source, tuple(filter(None, arguments.split(",")))))
    return tuple(rows)


def header() -> str:
    """The list's first comment line (which versions it was written from)."""
    if not NAMES_FILE.is_file():
        return ""
    return NAMES_FILE.read_text(encoding="utf8").splitlines()[0].lstrip("# ")
