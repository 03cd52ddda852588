"""`tf.data.experimental`: the cardinality constants and `cardinality(dataset)`."""

from minikeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def cardinality(dataset: Dataset) -> int:
    """The number of elements of `dataset`, or `INFINITE_CARDINALITY`/`UNKNOWN_CARDINALITY`."""
    return dataset.cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality"]
