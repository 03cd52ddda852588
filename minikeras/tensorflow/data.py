"""`tf.data`: minikeras' NumPy `Dataset` (see `minikeras.data`)."""

from minikeras.data import (
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Dataset,
    Options,
    TensorSpec,
    TextLineDataset,
    experimental,
)
from minikeras.tensorflow._convert import missing

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


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    hint = "TFRecord files need real TensorFlow. " if "Record" in name else ""
    raise missing("tf.data", name, hint)
