"""Keras 2 `keras.preprocessing`: `sequence.pad_sequences` and the `text.Tokenizer`."""

from minikeras.preprocessing import sequence, text

__all__ = ["sequence", "text"]
