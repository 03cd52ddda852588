"""`minikeras.data`: the `tf.data` API on NumPy (`Dataset`, `AUTOTUNE`, `experimental`)."""

import types

from minikeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset, Options
from minikeras.data.spec import TensorSpec
from minikeras.data.text_lines import TextLineDataset


def _cardinality(dataset):
    return dataset.cardinality()


experimental = types.SimpleNamespace(
    AUTOTUNE=AUTOTUNE,
    INFINITE_CARDINALITY=INFINITE,
    UNKNOWN_CARDINALITY=UNKNOWN,
    cardinality=_cardinality,
)
INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

__all__ = [
    "AUTOTUNE",
    "Dataset",
    "INFINITE_CARDINALITY",
    "Options",
    "TensorSpec",
    "TextLineDataset",
    "UNKNOWN_CARDINALITY",
    "experimental",
]
