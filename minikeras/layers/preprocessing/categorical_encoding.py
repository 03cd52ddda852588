"""Integer indices to `one_hot` / `multi_hot` / `count` / `tf_idf` vectors, as Keras encodes them.

`one_hot` encodes every index (a trailing axis of size 1 is replaced by the
encoding). For `multi_hot` and `count`, rank-0 and rank-1 inputs are one
sample and rank-2 inputs a batch. Indices outside `[0, depth)` are dropped, as
TensorFlow's `bincount` drops them (this is how mask tokens vanish from
encoded outputs).
"""

from __future__ import annotations

import numpy as np

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_output_mode(output_mode: str, allowed=OUTPUT_MODES, caller: str = "") -> str:
    """The canonical mode name (`binary` -> `multi_hot`, `tf-idf` -> `tf_idf`), validated."""
    output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if output_mode not in allowed:
        raise ValueError(
            f"Invalid value for argument `output_mode` of {caller}. Expected one of "
            f"{allowed}. Received: output_mode={output_mode}"
        )
    return output_mode


def _bincount_rows(idx: np.ndarray, depth: int, weights=None) -> np.ndarray:
    rows = np.broadcast_to(np.arange(idx.shape[0])[:, None], idx.shape)
    keep = (idx >= 0) & (idx < depth)
    flat = rows[keep] * depth + idx[keep]
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
    return np.bincount(flat, weights=w, minlength=idx.shape[0] * depth).reshape(idx.shape[0], depth)


def encode_categorical(
    indices, output_mode: str, depth: int, dtype="float32", count_weights=None, idf_weights=None
) -> np.ndarray:
    """Encodes integer `indices` (NumPy) into `(..., depth)` vectors.

    Args:
        indices: Integer array of rank 0, 1 or 2.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        depth: Length of the encoded vectors.
        dtype: Output dtype.
        count_weights: Optional per-index weights summed by `"count"`.
        idf_weights: `(depth,)` weights multiplying the counts in `"tf_idf"`.

    Raises:
        ValueError: for rank > 2 inputs outside `"int"` mode.
    """
    idx = np.asarray(indices)
    if output_mode == "int":
        return idx.astype(dtype)
    original = idx.shape
    if idx.ndim == 0:
        idx = idx[None]
    if output_mode == "one_hot":  # any rank; a trailing axis of size 1 is replaced
        if idx.ndim > 1 and idx.shape[-1] == 1:
            idx = idx[..., 0]
        return (idx[..., None] == np.arange(depth)).astype(dtype)
    if idx.ndim > 2:
        raise ValueError(
            "When output_mode is not `'int'`, maximum supported output rank is 2. Received "
            f"output_mode {output_mode} and input shape {original}, which would result in "
            f"output rank {idx.ndim}."
        )
    single = idx.ndim == 1
    rows = idx[None] if single else idx
    w = None
    if count_weights is not None:
        w = np.asarray(count_weights).reshape(rows.shape)
    counts = _bincount_rows(rows.astype(np.int64), int(depth), w)
    if output_mode == "multi_hot":
        counts = np.minimum(counts, 1)
    if output_mode == "tf_idf":
        counts = counts * np.asarray(idf_weights, dtype=np.float64)
    out = counts[0] if single else counts
    return out.astype(dtype)
