"""`TextVectorization`: raw strings to token indices or bag-of-words vectors, in pure Python.

Standardization and splitting follow TensorFlow's string ops as Keras uses
them: `lower` lowercases ASCII letters only (`tf.strings.lower`), punctuation
stripping removes ASCII punctuation, whitespace splitting splits on ASCII
whitespace, `character` splitting yields Unicode code points.
"""

from __future__ import annotations

import re

import numpy as np

from minikeras.backend import config
from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, iterate_batches, to_array
from minikeras.layers.preprocessing.string_lookup import StringLookup

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PUNCTUATION = str.maketrans("", "", "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'")
_WHITESPACE = re.compile("[ \t\n\v\f\r]+")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")


def _check_callable_or(value, allowed, name):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(
        f"Invalid value for argument `{name}`. Expected one of {allowed}, None or "
        f"a callable. Received: {name}={value!r}"
    )


def ngrams_of(tokens: list, widths: tuple) -> list:
    """All n-grams of each width in `widths` (in that order), joined by spaces."""
    out = []
    for w in widths:
        out.extend(" ".join(tokens[i : i + w]) for i in range(len(tokens) - w + 1))
    return out


class TextVectorization(DataLayer):
    """Turns strings into sequences of token indices or into encoded vectors.

    Keras 3 needs TensorFlow for this layer; minikeras runs it on Python + NumPy
    and gives the same vocabularies and integers.

    Args:
        max_tokens: Maximum vocabulary size, including the padding and OOV tokens.
        standardize: `"lower_and_strip_punctuation"` (default), `"lower"`,
            `"strip_punctuation"`, None, or a callable receiving a NumPy array of
            strings and returning strings of the same shape.
        split: `"whitespace"` (default), `"character"`, None, or a callable
            receiving a 1-D NumPy array of strings and returning one token
            list per string.
        ngrams: None, an integer `n` (1- to n-grams) or a tuple of widths.
        output_mode: `"int"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        output_sequence_length: In `"int"` mode, pad or truncate to this length
            (otherwise pad to the longest sequence of the batch).
        pad_to_max_tokens: Encoded outputs have `max_tokens` entries.
        vocabulary: Optional list of tokens (else call `adapt`).
        idf_weights: IDF weights given with `vocabulary` in `"tf_idf"` mode.
        sparse, ragged: Only False.
        encoding: Encoding of bytes inputs (UTF-8).

    Example:
        >>> layer = TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["The cat sat.", "The dog!"])
        >>> layer(["the cat ran"])
        array([[2, 4, 1, 0]])
    """

    _saved_private_children = ("_lookup_layer",)  # saved where Keras 3 saves it

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        _check_callable_or(standardize, _STANDARDIZE, "standardize")
        _check_callable_or(split, ("whitespace", "character"), "split")
        output_mode = check_output_mode(
            output_mode, ("int", "multi_hot", "count", "tf_idf"), "TextVectorization"
        )
        if not (
            ngrams is None
            or isinstance(ngrams, int)
            or (isinstance(ngrams, (tuple, list)) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                "`ngrams` must be None, an integer, or a tuple of integers. "
                f"Received: ngrams={ngrams}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when "
                "`output_mode` is 'int'. Received: "
                f"output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not "
                f"'int'. Received: output_sequence_length={output_sequence_length}."
            )
        if sparse or ragged:
            raise ValueError(
                "minikeras has no sparse or ragged tensors: `sparse` and `ragged` must be False."
            )
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self._standardize, self._split = standardize, split
        self._ngrams_arg = list(ngrams) if isinstance(ngrams, (list, tuple)) else ngrams
        self._ngrams = (
            tuple(range(1, ngrams + 1))
            if isinstance(ngrams, int)
            else (tuple(ngrams) if ngrams is not None else None)
        )
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            has_input_vocabulary=has_vocab,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )
        self.dtype = "int64" if output_mode == "int" else config.floatx()

    # ------------------------------------------------------------------ text processing

    def _standardize_texts(self, arr: np.ndarray) -> np.ndarray:
        mode = self._standardize
        if callable(mode):
            out = mode(arr.astype(str))
            return to_array(out.numpy() if hasattr(out, "numpy") else out)
        if mode is None:
            return arr
        lower = mode in ("lower", "lower_and_strip_punctuation")
        strip = mode in ("strip_punctuation", "lower_and_strip_punctuation")
        flat = [s.translate(_ASCII_LOWER) if lower else s for s in arr.ravel().tolist()]
        if strip:
            flat = [s.translate(_PUNCTUATION) for s in flat]
        return np.array(flat, dtype=object).reshape(arr.shape)

    def _token_rows(self, inputs) -> tuple[list, bool]:
        """Token lists per input string, and whether the input was a single string."""
        arr = to_array(inputs)
        scalar = arr.ndim == 0
        arr = self._standardize_texts(arr[None] if scalar else arr)
        if self._split is None:
            rows = [list(r) for r in (arr[:, None] if arr.ndim == 1 else arr).tolist()]
        else:
            if arr.ndim > 1:
                if arr.shape[-1] != 1:
                    raise ValueError(
                        "When using `TextVectorization` to tokenize strings, the input rank "
                        "must be 1 or the last shape dimension must be 1. Received: "
                        f"inputs.shape={arr.shape} with rank={arr.ndim}"
                    )
                arr = arr.reshape(arr.shape[:-1])
            if self._split == "whitespace":
                rows = [[t for t in _WHITESPACE.split(s) if t] for s in arr.ravel().tolist()]
            elif self._split == "character":
                rows = [list(s) for s in arr.ravel().tolist()]
            else:
                rows = [
                    [
                        t.decode(self._encoding) if isinstance(t, bytes) else str(t)
                        for t in _as_list(r)
                    ]
                    for r in self._split(arr.ravel().astype(str))
                ]
        if self._ngrams is not None:
            rows = [ngrams_of(r, self._ngrams) for r in rows]
        return rows, scalar

    # ------------------------------------------------------------------ vocabulary

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Builds the vocabulary from strings (array, list, dataset or iterable of batches).

        The data is read batch by batch (arrays in slices of 10,000 strings):
        memory holds the counts of distinct tokens, not the token lists.
        """
        self.reset_state()
        for batch in iterate_batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        rows, _ = self._token_rows(data)
        self._lookup_layer._update_with_rows(rows)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary: `["", "[UNK]", ...]` in `"int"` mode (index = position)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Sets the vocabulary (and IDF weights in `"tf_idf"` mode) directly."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ------------------------------------------------------------------ call

    def call(self, inputs):
        rows, scalar = self._token_rows(inputs)
        lookup = self._lookup_layer
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        width = int(lengths.max()) if len(rows) else 0
        flat = [t for r in rows for t in r]
        ids = lookup._lookup(np.array(flat, dtype=object)) if flat else np.zeros(0, np.int64)
        if self._output_mode == "int":
            length = self._output_sequence_length
            out = _pad_rows(ids, lengths, width if length is None else length, 0)
            return out[0] if scalar else out
        depth = lookup._depth()
        lookup._called = True
        padded = _pad_rows(ids, lengths, max(width, 1), -1)
        mode = "count" if self._output_mode == "tf_idf" else self._output_mode
        out = encode_categorical(padded, mode, depth, dtype=np.float64)
        if self._output_mode == "tf_idf":
            out = out * lookup.idf_weights
        out = out.astype(config.floatx())
        return out[0] if scalar else out

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        depth = (
            self._lookup_layer.max_tokens
            if self._lookup_layer.pad_to_max_tokens
            else self._lookup_layer._frozen_vocab_size
        )
        return (input_shape[0], depth)

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        lookup = self._lookup_layer
        cfg = super().get_config()
        cfg.update(
            {
                "max_tokens": lookup.max_tokens,
                "standardize": self._standardize
                if not callable(self._standardize)
                else serialize_keras_object(self._standardize),
                "split": self._split
                if not callable(self._split)
                else serialize_keras_object(self._split),
                "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens,
                "sparse": False,
                "ragged": False,
                "vocabulary": lookup.get_config()["vocabulary"],
                "idf_weights": lookup.get_config()["idf_weights"],
                "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size(),
            }
        )
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key], custom_objects=custom_objects)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        config.pop("trainable", None)
        return cls(**config)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store: dict) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self) -> dict:
        return self._lookup_layer.save_assets()

    def load_assets(self, files: dict) -> None:
        self._lookup_layer.load_assets(files)


def _pad_rows(ids: np.ndarray, lengths: np.ndarray, width: int, fill: int) -> np.ndarray:
    """`(rows, width)` matrix of the concatenated `ids`, each row truncated or padded."""
    out = np.full((len(lengths), width), fill, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    cols = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    keep = cols < width
    out[rows[keep], cols[keep]] = ids[keep]
    return out


def _as_list(row) -> list:
    if hasattr(row, "numpy"):
        row = row.numpy()
    return list(np.asarray(row, dtype=object).ravel()) if not isinstance(row, list) else row
