"""Keras 2 `keras.preprocessing.sequence`."""

from minikeras.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
