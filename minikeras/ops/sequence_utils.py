"""Sequence-model helpers with hand-written VJPs: embedding lookup and basic slicing."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unwrap


def basic_slice(x, key):
    """`x[key]` for basic (slice/int) keys, with a VJP that writes instead of scattering."""
    xv, xn = unwrap(x)
    out = xv[key]
    if xn is None:
        return out
    parts = key if isinstance(key, tuple) else (key,)
    if all(
        isinstance(k, slice) and k.start is None and k.stop is None and k.step in (None, 1, -1)
        for k in parts
    ):
        # Whole axes kept or reversed (go_backwards): the key is its own inverse, so
        # the gradient is `g[key]`, a view that keeps the upstream layout.
        return record(out, (xn, lambda g: g[key]))

    def vjp(g):
        full = np.zeros(xv.shape, dtype=g.dtype)
        full[key] = g
        return full

    return record(out, (xn, vjp))


def embedding_lookup(embeddings, indices):
    """Rows of `embeddings` at integer `indices`; the VJP is a fused scatter-add.

    The gradient sums the output gradients of repeated indices with one
    `np.bincount` (several times faster than `np.add.at` or a sort + `reduceat`).

    Raises:
        ValueError: if an index is outside `[0, input_dim)`.
    """
    ev, en = unwrap(embeddings)
    idx = np.asarray(indices.value if hasattr(indices, "value") else indices)
    if idx.dtype.kind in "fb":  # float token ids, or booleans as 0/1 (as Keras reads them)
        idx = idx.astype(np.int64)
    n = ev.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise ValueError(
            f"Embedding index {bad} is out of range: indices must be in [0, {n}) "
            f"(input_dim={n}). Check your vocabulary size or the tokenizer's `num_words`."
        )
    out = ev[idx]
    if en is None:
        return out
    d = ev.shape[1:]

    def vjp(g):
        # Row r of the gradient is the sum of the output gradients at index r: one
        # `bincount` over (index, column) pairs (float64 sums, cast back once).
        width = int(np.prod(d, dtype=np.int64))
        flat = idx.reshape(-1).astype(np.int64, copy=False) * width
        bins = (flat[:, None] + np.arange(width)).reshape(-1)
        sums = np.bincount(bins, weights=np.asarray(g).reshape(-1), minlength=n * width)
        return sums.reshape(ev.shape).astype(g.dtype, copy=False)

    return record(out, (en, vjp))
