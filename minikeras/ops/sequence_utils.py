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

    def vjp(g):
        full = np.zeros(xv.shape, dtype=g.dtype)
        full[key] = g
        return full

    return record(out, (xn, vjp))


def embedding_lookup(embeddings, indices):
    """Rows of `embeddings` at integer `indices`; the VJP is a fused scatter-add.

    The gradient sums the output gradients of repeated indices with one
    `np.bincount` per embedding column (faster than `np.add.at`, a sort +
    `reduceat`, or one `bincount` over (index, column) pairs).

    Raises:
        ValueError: if an index is outside `[0, input_dim)`.
    """
    ev, en = unwrap(embeddings)
    idx = np.asarray(indices.value if hasattr(indices, "value") else indices)
    if idx.dtype.kind == "f":
        idx = idx.astype(np.int64)
    n = ev.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise ValueError(
            f"Embedding index {bad} is out of range: indices must be in [0, {n}) "
            f"(input_dim={n}). Check your vocabulary size or the tokenizer's `num_words`.")
    out = ev[idx]
    if en is None:
        return out
    d = ev.shape[1:]

    def vjp(g):
        # Row r of the gradient is the sum of the output gradients at index r: per
        # column, one `bincount` over the indices (float64 sums in index order, cast
        # back once); each column's bins stay in cache.
        width = int(np.prod(d, dtype=np.int64))
        flat = idx.reshape(-1).astype(np.intp, copy=False)
        columns = np.asarray(g).reshape(-1, width).T.astype(np.float64)
        sums = np.empty((n, width), dtype=g.dtype)
        for j in range(width):
            sums[:, j] = np.bincount(flat, weights=columns[j], minlength=n)
        return sums.reshape(ev.shape)

    return record(out, (en, vjp))
