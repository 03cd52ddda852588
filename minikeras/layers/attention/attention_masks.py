"""Boolean attention masks `(B, T, S)` from Keras masks, causal and sliding-window bands."""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import value_of


def _bool(mask) -> np.ndarray:
    return np.asarray(value_of(mask)).astype(bool)


def causal(t: int, s: int) -> np.ndarray:
    """`(1, T, S)`: query position `i` sees key positions `j <= i`."""
    return np.tril(np.ones((t, s), dtype=bool))[None]


def sliding_window(t: int, s: int, width: int) -> np.ndarray:
    """`(1, T, S)`: positions less than `width` apart see each other."""
    return (np.abs(np.arange(t)[:, None] - np.arange(s)[None, :]) < width)[None]


def combine(
    t: int,
    s: int,
    query_mask=None,
    value_mask=None,
    key_mask=None,
    attention_mask=None,
    use_causal_mask=False,
    window=None,
):
    """The conjunction of every mask given, broadcastable to `(B, T, S)`; None if none.

    Args:
        t, s: Query and key sequence lengths.
        query_mask: `(B, T)`; value_mask, key_mask: `(B, S)`.
        attention_mask: `(B, T, S)`.
        use_causal_mask: Adds the causal band.
        window: Adds a sliding-window band of this width.
    """
    parts = []
    if query_mask is not None:
        parts.append(_bool(query_mask)[..., :, None])
    for m in (value_mask, key_mask):
        if m is not None:
            parts.append(_bool(m)[..., None, :])
    if use_causal_mask:
        parts.append(causal(t, s))
    if window is not None:
        parts.append(sliding_window(t, s, window))
    if attention_mask is not None:
        parts.append(_bool(attention_mask))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = out & p
    return out
