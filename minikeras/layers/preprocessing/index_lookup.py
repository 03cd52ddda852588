"""`IndexLookup`: the vocabulary machinery behind `StringLookup` and `IntegerLookup`.

Index layout, as Keras: `[mask]` (only with a mask token in `"int"` mode),
then `num_oov_indices` OOV indices, then the vocabulary terms. `adapt` counts
terms batch by batch (memory grows with the number of distinct terms, not
with the data) and orders them by count, ties broken by the term, both
descending.
"""

from __future__ import annotations

import collections
import itertools

import numpy as np

from minikeras.backend import config
from minikeras.layers.preprocessing import hash_functions
from minikeras.layers.preprocessing.categorical_encoding import (
    check_output_mode,
    encode_categorical,
)
from minikeras.layers.preprocessing.data_layer import DataLayer, iterate_batches, to_array

VOCABULARY_FILE = "vocabulary.txt"


class IndexLookup(DataLayer):
    """Maps terms to indices (or back, with `invert=True`) through a vocabulary.

    Args:
        max_tokens: Maximum vocabulary size including mask and OOV indices.
        num_oov_indices: Number of indices shared by out-of-vocabulary terms.
        mask_token: Term that maps to index 0 (and is dropped in encoded outputs).
        oov_token: Term returned for OOV indices when `invert=True`.
        vocabulary_dtype: `"string"` or an integer dtype.
        vocabulary: Terms (list or array), optionally preceded by the special tokens.
        idf_weights: Inverse document frequencies for `"tf_idf"` output.
        invert: Map indices back to terms.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        sparse: Only False (dense outputs).
        pad_to_max_tokens: Encoded outputs have length `max_tokens`.
        oov_method: `"floormod"` (integers) or `"farmhash"` for OOV buckets.
        salt: With several OOV indices, a salt makes the OOV hash keyed (SipHash).
    """

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary_dtype,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        name=None,
        salt=None,
        **kwargs,
    ):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                f"max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. Received: "
                f"num_oov_indices={num_oov_indices}"
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"Invalid value for argument `oov_method`. Expected one of "
                f"('floormod', 'farmhash'). Received: oov_method={oov_method}"
            )
        if salt is not None:
            salt = (
                list(salt)
                if isinstance(salt, (tuple, list)) and len(salt) == 2
                else ([salt, salt] if isinstance(salt, int) else None)
            )
            if salt is None:
                raise ValueError(
                    "The `salt` argument can only be a tuple of 2 integers, or a single integer."
                )
        output_mode = check_output_mode(output_mode, caller=type(self).__name__)
        if invert and output_mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. Received: "
                f"output_mode={output_mode}"
            )
        if sparse:
            raise ValueError("minikeras has no sparse tensors: `sparse=True` is not supported.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: output_mode={output_mode}"
            )
        frozen = kwargs.pop("vocabulary_size", None)
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        self.invert, self.max_tokens = bool(invert), max_tokens
        self.num_oov_indices, self.mask_token, self.oov_token = (
            int(num_oov_indices),
            mask_token,
            oov_token,
        )
        self.output_mode, self.sparse, self.pad_to_max_tokens = (
            output_mode,
            False,
            bool(pad_to_max_tokens),
        )
        self.vocabulary_dtype = (
            "string" if vocabulary_dtype in ("string", str) else str(np.dtype(vocabulary_dtype))
        )
        self.oov_method, self.salt = oov_method, salt
        self._frozen_vocab_size = frozen
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_vocab)
        self.dtype = (
            "int64"
            if output_mode == "int" and not invert
            else (self.vocabulary_dtype if invert else config.floatx())
        )
        self._tokens: list = []
        self._index: dict = {}
        self.idf_weights = None
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output "
                "mode, the `idf_weights` argument must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()
        self.built = True

    # ------------------------------------------------------------------ indices

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """Vocabulary size including the mask and OOV indices."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; with special tokens, a term's position is its index."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index() :]
        return vocab

    def _convert_term(self, term):
        if self.vocabulary_dtype == "string":
            return term.decode("utf-8") if isinstance(term, bytes) else str(term)
        return int(term)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Sets the vocabulary (and, for `"tf_idf"`, the IDF weights) directly.

        Args:
            vocabulary: List, tuple or 1-D array of terms, optionally starting with
                the mask and OOV tokens in index order. A file path is refused
                (loading files named by configs is unsafe); read the file yourself.
            idf_weights: 1-D weights, one per term, for `"tf_idf"` mode only.
        """
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: output_mode={self.output_mode} and "
                f"idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            raise ValueError(
                "minikeras does not read vocabulary files named in a layer's arguments. "
                "Read the file and pass its lines: `vocabulary=open(path).read().splitlines()`."
                f" Received: vocabulary={vocabulary!r}"
            )
        terms = [self._convert_term(t) for t in to_array(vocabulary).ravel().tolist()]
        if not terms:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={terms}")
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        found_special = terms[:start] == special
        tokens = terms[start:] if found_special else terms
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please "
                f"uniquify your dataset. The repeated terms are: {repeated}"
            )
        for name, tok in (
            ("mask", self.mask_token),
            ("OOV", self.oov_token if self.invert else None),
        ):
            if tok is not None and tok in tokens:
                raise ValueError(
                    f"Found reserved {name} token at unexpected location in `vocabulary`. "
                    "Either remove all mask and OOV tokens, or include them only at the "
                    f"start of the vocabulary in precisely this order: {special}."
                )
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. "
                f"Received vocabulary size is {start + len(tokens)}; "
                f"`max_tokens` is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            w = np.asarray(idf_weights, dtype=np.float64)
            if w.ndim != 1 or len(w) != len(terms):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. "
                    f"len(idf_weights) is {len(w)}; len(vocabulary) is "
                    f"{len(terms)}"
                )
            front = 0 if found_special else start
            back = (self.max_tokens - front - len(w)) if self.pad_to_max_tokens else 0
            w = np.pad(w, (front, back), constant_values=(0 if found_special else np.mean(w), 0))
            self.idf_weights = w.astype(config.floatx())

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: i + start for i, t in enumerate(self._tokens)}
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            size = self.vocabulary_size()
            if (
                self._frozen_vocab_size is not None
                and self._frozen_vocab_size != size
                and self._called
            ):
                raise RuntimeError(
                    f"When using `output_mode={self.output_mode}` and "
                    "`pad_to_max_tokens=False`, the vocabulary size cannot be changed after "
                    f"the layer is called. Old vocab size is {self._frozen_vocab_size}, new "
                    f"vocab size is {size}"
                )
        self._frozen_vocab_size = self.vocabulary_size()

    _called = False

    # ------------------------------------------------------------------ adapt

    def reset_state(self) -> None:
        self._counts: collections.Counter = collections.Counter()
        self._doc_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    def _rows_of_terms(self, batch):
        arr = to_array(batch)
        if arr.ndim == 0:
            arr = arr[None]
        if arr.ndim == 1:
            arr = arr[None]
        return [[self._convert_term(t) for t in row] for row in arr.reshape(arr.shape[0], -1)]

    def update_state(self, data) -> None:
        """Adds one batch to the term counts of a running `adapt`."""
        self._update_with_rows(self._rows_of_terms(data))

    def _update_with_rows(self, rows) -> None:
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static "
                "vocabulary via `vocabulary` argument or `set_vocabulary()` "
                "method."
            )
        for row in rows:
            self._counts.update(row)
            if self.output_mode == "tf_idf":
                self._doc_counts.update(set(row))
        if self.output_mode == "tf_idf":
            self._num_documents += len(rows)

    def finalize_state(self) -> None:
        """Turns the counts of `adapt` into the vocabulary (and IDF weights)."""
        if self._has_input_vocabulary or not self._counts:
            return
        for special in (self.mask_token, self.oov_token):
            self._counts.pop(special, None)
        ordered = sorted(self._counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            ordered = ordered[: self.max_tokens - self._token_start_index()]
        tokens = [t for t, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            df = np.array([self._doc_counts[t] for t in tokens], dtype=np.float64)
            idf = inverse_document_frequency(df, self._num_documents).astype(config.floatx())
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=np.mean(idf))
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - len(idf)))
            self.idf_weights = idf.astype(config.floatx())
        self.reset_state()

    def adapt(self, data, steps=None, batch_size=None) -> None:
        """Learns the vocabulary from `data` (array, list, dataset or iterable of batches).

        Arrays and lists are read in slices, datasets and generators batch by
        batch, so only the counts of distinct terms are held in memory.
        """
        self.reset_state()
        arr_like = isinstance(data, (list, tuple, np.ndarray))
        for batch in iterate_batches(data, steps):
            if arr_like and np.ndim(batch) == 1:
                batch = np.asarray(batch)[:, None]
            self.update_state(batch)
        self.finalize_state()

    # ------------------------------------------------------------------ call

    def _lookup(self, arr: np.ndarray) -> np.ndarray:
        flat = arr.ravel().tolist()
        if not flat:
            return np.zeros(arr.shape, dtype=np.int64)
        if self.vocabulary_dtype != "string" or not all(type(k) is str for k in flat):
            flat = [self._convert_term(k) for k in flat]
        missing = self._missing_value()
        mapped = np.fromiter(
            map(self._index.get, flat, itertools.repeat(missing)), dtype=np.int64, count=len(flat)
        )
        unknown = np.flatnonzero(mapped == missing)  # OOV terms, and the mask token
        if unknown.size:
            terms = [flat[i] for i in unknown]
            if self.mask_token is not None:
                is_mask = np.array([t == self.mask_token for t in terms], dtype=bool)
                mapped[unknown[is_mask]] = (
                    0 if self.output_mode == "int" else np.iinfo(np.int64).max
                )
                unknown = unknown[~is_mask]
                terms = [t for t, m in zip(terms, is_mask) if not m]
        if unknown.size:
            if self.num_oov_indices == 0:
                raise ValueError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"values {terms[:10]}, consider setting `num_oov_indices=1`."
                )
            mapped[unknown] = self._oov_indices(terms)
        return mapped.reshape(arr.shape)

    def _missing_value(self) -> int:
        return -1

    def _oov_indices(self, keys: list) -> np.ndarray:
        start = self._oov_start_index()
        if self.num_oov_indices == 1:
            return np.full(len(keys), start, dtype=np.int64)
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(np.array(keys, dtype=np.int64), self.num_oov_indices) + start
        text = [str(k) for k in keys]
        h = (
            hash_functions.siphash(text, self.salt)
            if self.salt is not None
            else hash_functions.fingerprint64(text)
        )
        return (h % np.uint64(self.num_oov_indices)).astype(np.int64) + start

    def _invert(self, arr: np.ndarray) -> np.ndarray:
        vocab = self.get_vocabulary()
        idx = np.asarray(arr, dtype=np.int64)
        table = np.array(vocab + [self.oov_token], dtype=object)
        safe = np.where((idx >= 0) & (idx < len(vocab)), idx, len(vocab))
        out = table[safe]
        if self.mask_token is not None:
            out = np.where(idx == 0, self.mask_token, out)
        return out if self.vocabulary_dtype == "string" else out.astype(self.vocabulary_dtype)

    def _depth(self) -> int:
        if self.output_mode != "int" and not self.pad_to_max_tokens and not self._tokens:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def call(self, inputs):
        arr = to_array(inputs)
        if self.invert:
            return self._invert(arr)
        depth = self._depth()
        self._called = True
        lookups = self._lookup(arr)
        if self.output_mode == "int":
            return lookups
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categorical(lookups, mode, depth, dtype=config.floatx())
        if self.output_mode == "tf_idf":
            out = (out * self.idf_weights).astype(config.floatx())
        return out

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "invert": self.invert,
                "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices,
                "oov_token": self.oov_token,
                "mask_token": self.mask_token,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": _listify(self.input_idf_weights),
                "vocabulary": _listify(self.input_vocabulary),
                "vocabulary_size": self._frozen_vocab_size,
                "oov_method": self.oov_method,
                "salt": self.salt,
            }
        )
        return cfg

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store: dict) -> None:
        """Keras' `vars` entries of this layer: `idf_weights` in `"tf_idf"` mode."""
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights)

    def load_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"][()], dtype=config.floatx())

    def save_assets(self) -> dict:
        """`{"vocabulary.txt": bytes}` unless the vocabulary is in the config already."""
        if self.input_vocabulary is not None:
            return {}
        text = "\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True))
        return {VOCABULARY_FILE: text.encode("utf-8")}

    def load_assets(self, files: dict) -> None:
        if self.input_vocabulary is not None or VOCABULARY_FILE not in files:
            return
        lines = files[VOCABULARY_FILE].decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return
        idf = self.idf_weights
        self.set_vocabulary(
            lines if self.vocabulary_dtype == "string" else [int(v) for v in lines],
            idf_weights=idf if self.output_mode == "tf_idf" else None,
        )


def _listify(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, tuple):
        return list(x)
    return x


def inverse_document_frequency(doc_counts, num_documents):
    """`log(1 + num_documents / (1 + doc_counts))`, Keras' IDF."""
    return np.log(1 + num_documents / (1 + np.asarray(doc_counts, dtype=np.float64)))
