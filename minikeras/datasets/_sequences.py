"""Shared processing of the IMDB and Reuters word-index sequences (Keras semantics)."""

from __future__ import annotations

from minikeras.datasets._cache import remove_long_seq


def shift_and_mark(xs, start_char, index_from) -> list:
    """Adds `index_from` to every word index and prepends `start_char` (if not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def limit_vocabulary(xs, num_words, skip_top, oov_char) -> list:
    """Replaces (or drops, when `oov_char` is None) indices outside `[skip_top, num_words)`."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


__all__ = ["limit_vocabulary", "remove_long_seq", "shift_and_mark"]
