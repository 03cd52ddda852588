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

    The gradient sums the output gradients of repeated indices with one sort
    and `np.add.reduceat` (much faster than `np.add.at`).

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
        flat = idx.reshape(-1)
        gf = g.reshape((flat.size, *d))
        order = np.argsort(flat, kind="stable")
        sorted_idx = flat[order]
        uniq, starts = np.unique(sorted_idx, return_index=True)
        full = np.zeros(ev.shape, dtype=g.dtype)
        if flat.size:
            full[uniq] = np.add.reduceat(gf[order], starts, axis=0)
        return full

    return record(out, (en, vjp))
