"""IMDB movie-review sentiment: 25,000 train and 25,000 test reviews as word indices."""

from __future__ import annotations

import json

import numpy as np

from minikeras.datasets._cache import ORIGIN, cached_file, remove_long_seq
from minikeras.datasets._sequences import limit_vocabulary, shift_and_mark
from minikeras.utils.pickle_reader import load_npz


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads IMDB from `<keras_home>/datasets/imdb.npz`, processed exactly as Keras does.

    Args:
        path: File name in the cache.
        num_words: Keep only indices below `num_words` (others become `oov_char`).
        skip_top: Also treat the `skip_top` smallest indices as out of vocabulary.
        maxlen: Drop sequences of length `>= maxlen`.
        seed: Shuffling seed.
        start_char: Index prepended to every sequence (None: nothing).
        oov_char: Index of out-of-vocabulary words (None: drop them).
        index_from: Offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of index lists and labels.
    """
    if "nb_words" in kwargs:
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
    path = cached_file(
        path,
        ORIGIN + "imdb.npz",
        "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    )
    f = load_npz(path)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    x_train = shift_and_mark(x_train, start_char, index_from)
    x_test = shift_and_mark(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no "
                "sequence was kept. Increase maxlen."
            )
    xs = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    return (
        (np.array(xs[:idx], dtype="object"), labels[:idx]),
        (np.array(xs[idx:], dtype="object"), labels[idx:]),
    )


def get_word_index(path="imdb_word_index.json"):
    """The `{word: index}` dict of the IMDB data (`imdb_word_index.json` in the cache)."""
    path = cached_file(path, ORIGIN + "imdb_word_index.json")
    with open(path, encoding="utf8") as f:
        return json.load(f)
