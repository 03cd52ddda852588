"""Gradient clipping as Keras 3 applies it before each update."""

from __future__ import annotations

import numpy as np


def clip_gradients(
    grads: list[np.ndarray], clipnorm=None, global_clipnorm=None, clipvalue=None
) -> list[np.ndarray]:
    """Clips `grads` by one of: per-tensor norm, global norm, or element value.

    Per-tensor: `g * clipnorm / max(||g||, clipnorm)`. Global: every gradient scaled
    by `clipnorm * min(1 / ||all||, 1 / clipnorm)`. Value: `clip(g, -v, v)`.
    """
    if clipnorm is not None and clipnorm > 0:
        out = []
        for g in grads:
            norm = np.sqrt(np.sum(np.square(g)))
            c = g.dtype.type(clipnorm)
            out.append((g * c) / np.maximum(norm, c))
        return out
    if global_clipnorm is not None and global_clipnorm > 0:
        norm = np.float32(np.sqrt(sum(np.sum(np.square(g, dtype=np.float32)) for g in grads)))
        clip = np.float32(global_clipnorm)
        scale = (
            clip * np.minimum(np.float32(1.0) / norm, np.float32(1.0) / clip)
            if norm > 0
            else np.float32(1.0)
        )
        return [g * scale.astype(g.dtype) for g in grads]
    if clipvalue is not None and clipvalue > 0:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads
