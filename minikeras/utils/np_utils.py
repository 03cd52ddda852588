"""Keras 2 `keras.utils.np_utils`: `to_categorical` and `normalize`."""

from minikeras.utils.numerical_utils import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
