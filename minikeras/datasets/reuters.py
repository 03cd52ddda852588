"""Reuters newswire topics: 11,228 newswires as word indices, 46 topics."""

from __future__ import annotations

import json

import numpy as np

from minikeras.datasets._cache import ORIGIN, cached_file, remove_long_seq
from minikeras.datasets._sequences import limit_vocabulary, shift_and_mark
from minikeras.utils.pickle_reader import load_npz

_LABELS = (
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
)


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads Reuters from `<keras_home>/datasets/reuters.npz`, processed as Keras does.

    Arguments are those of `imdb.load_data`, plus `test_split`, the fraction of
    (shuffled) newswires kept for the test set.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.
    """
    if "nb_words" in kwargs:
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
    path = cached_file(
        path,
        ORIGIN + "reuters.npz",
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    )
    f = load_npz(path)
    xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    if start_char is not None or index_from:
        xs = shift_and_mark(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return (
        (np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
        (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])),
    )


def get_word_index(path="reuters_word_index.json"):
    """The `{word: index}` dict of the Reuters data."""
    path = cached_file(path, ORIGIN + "reuters_word_index.json")
    with open(path, encoding="utf8") as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order."""
    return _LABELS
