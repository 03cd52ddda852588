"""Keras 2 `keras.preprocessing.text`: `Tokenizer`, `text_to_word_sequence`, `one_hot`.

Behaviour follows Keras 2 exactly: index 0 is never assigned, words are
ranked by count (ties keep first-seen order), the OOV token gets index 1.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict, defaultdict

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Splits a text into words after lower-casing and replacing `filters` by `split`.

    Example:
        >>> text_to_word_sequence("Hello, World!")
        ['hello', 'world']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Words to indices in `[1, n)` by hashing (`hash`, `"md5"` or a function)."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":

        def hash_function(w):
            return int(hashlib.md5(w.encode()).hexdigest(), 16)

    seq = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [(hash_function(w) % (n - 1) + 1) for w in seq]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Keras 2 `one_hot`: hashes each word to an index in `[1, n)` with Python's `hash`.

    As in Keras, string hashing is randomised per process unless `PYTHONHASHSEED` is set.
    """
    return hashing_trick(
        input_text, n, hash_function=hash, filters=filters, lower=lower, split=split
    )


class Tokenizer:
    """Vectorizes texts into integer sequences or bag-of-words matrices.

    Args:
        num_words: Keep only words with index `< num_words` when converting
            (the `num_words - 1` most frequent); None keeps all.
        filters: Characters removed from texts.
        lower: Whether to lower-case.
        split: Word separator.
        char_level: Treat every character as a token.
        oov_token: Token that replaces unknown words (gets index 1).
        analyzer: Optional function `text -> list of tokens`.

    Example:
        >>> tok = Tokenizer(num_words=100, oov_token="<OOV>")
        >>> tok.fit_on_texts(["the cat sat", "the dog"])
        >>> tok.texts_to_sequences(["the bird sat"])
        [[2, 1, 4]]
    """

    def __init__(
        self,
        num_words=None,
        filters=DEFAULT_FILTERS,
        lower=True,
        split=" ",
        char_level=False,
        oov_token=None,
        analyzer=None,
        document_count=0,
        **kwargs,
    ):
        if "nb_words" in kwargs:
            import warnings

            warnings.warn(
                "The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                DeprecationWarning,
                stacklevel=2,
            )
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        self.word_counts: OrderedDict = OrderedDict()
        self.word_docs: defaultdict = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs: defaultdict = defaultdict(int)
        self.word_index: dict = {}
        self.index_word: dict = {}
        self.analyzer = analyzer

    def _tokens(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is None:
            return text_to_word_sequence(
                text, filters=self.filters, lower=self.lower, split=self.split
            )
        return self.analyzer(text)

    def fit_on_texts(self, texts) -> None:
        """Builds the vocabulary from a list of texts (or of token lists)."""
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        wcounts = sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)
        sorted_voc = [] if self.oov_token is None else [self.oov_token]
        sorted_voc.extend(w for w, _ in wcounts)
        self.word_index = dict(zip(sorted_voc, range(1, len(sorted_voc) + 1)))
        self.index_word = {c: w for w, c in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences) -> None:
        """Updates document counts from integer sequences (needed for tf-idf)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts) -> list:
        """Each text as a list of word indices (unknown words: OOV index or dropped)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Generator version of `texts_to_sequences`."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None:
                    if num_words and i >= num_words:
                        if oov_index is not None:
                            vect.append(oov_index)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov_index)
            yield vect

    def sequences_to_texts(self, sequences) -> list:
        """Index lists back to space-joined texts."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Generator version of `sequences_to_texts`."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for seq in sequences:
            vect = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None:
                    if num_words and num >= num_words:
                        if oov_index is not None:
                            vect.append(self.index_word[oov_index])
                    else:
                        vect.append(word)
                elif self.oov_token is not None:
                    vect.append(self.index_word[oov_index])
            yield " ".join(vect)

    def texts_to_matrix(self, texts, mode="binary"):
        """Bag-of-words matrix: `mode` is `"binary"`, `"count"`, `"tfidf"` or `"freq"`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """Bag-of-words matrix of shape `(len(sequences), num_words)` from index lists.

        Raises:
            ValueError: without `num_words` or a fitted vocabulary, for tf-idf before
                fitting, or for an unknown `mode`.
        """
        if not self.num_words:
            if self.word_index:
                num_words = len(self.word_index) + 1
            else:
                raise ValueError(
                    "Specify a dimension (`num_words` argument), or fit on some text data first."
                )
        else:
            num_words = self.num_words
        if mode not in ("binary", "count", "tfidf", "freq"):
            raise ValueError(
                f"Unknown vectorization mode: {mode}. Expected one of 'binary', "
                "'count', 'tfidf', 'freq'."
            )
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not seq:
                continue
            counts: dict = defaultdict(int)
            for j in seq:
                if j < num_words:
                    counts[j] += 1
            for j, c in counts.items():
                if mode == "count":
                    x[i][j] = c
                elif mode == "freq":
                    x[i][j] = c / len(seq)
                elif mode == "binary":
                    x[i][j] = 1
                else:
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = tf * idf
        return x

    def get_config(self) -> dict:
        """The tokenizer's configuration and vocabulary (JSON-encoded fields, as Keras)."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs) -> str:
        """JSON string that `tokenizer_from_json` reads back."""
        return json.dumps(
            {"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs
        )


def tokenizer_from_json(json_string) -> Tokenizer:
    """Re-creates a `Tokenizer` from `tokenizer.to_json()` output."""
    cfg = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(cfg.pop("word_counts"))
    word_docs = json.loads(cfg.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(cfg.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(cfg.pop("index_word")).items()}
    word_index = json.loads(cfg.pop("word_index"))
    tok = Tokenizer(**cfg)
    tok.word_counts = OrderedDict(word_counts)
    tok.word_docs = defaultdict(int, word_docs)
    tok.index_docs = defaultdict(int, index_docs)
    tok.word_index = word_index
    tok.index_word = index_word
    return tok


__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence", "tokenizer_from_json"]
