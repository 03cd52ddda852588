"""`keras.ops.math`: segment reductions, top-k, erf and friends."""

from __future__ import annotations

import math as _pymath

import numpy as np

from minikeras.backend.autodiff import Tensor, unwrap, value_of
from minikeras.ops import numpy as _np_ops
from minikeras.ops.numpy import _float_unary, _unary, logsumexp

_erf_scalar = np.frompyfunc(_pymath.erf, 1, 1)


def _erf_value(v):
    v = np.asarray(v)
    dtype = v.dtype if v.dtype.kind == "f" else np.float32
    return _erf_scalar(v.astype(np.float64)).astype(dtype)


def erf(x):
    """Element-wise Gauss error function `2/sqrt(pi) * integral_0^x exp(-t^2) dt`."""
    return _float_unary(
        x, _erf_value, lambda g, x, o: g * 2 / _pymath.sqrt(_pymath.pi) * np.exp(-x * x)
    )


def _erfinv_value(v):
    v = np.asarray(v)
    dtype = v.dtype if v.dtype.kind == "f" else np.float32
    y = v.astype(np.float64)
    # Giles' single-precision approximation as the start, then Newton steps on erf.
    w = -np.log(np.maximum((1.0 - y) * (1.0 + y), 1e-300))
    small = w < 5
    ws = np.where(small, w - 2.5, np.sqrt(np.maximum(w, 5)) - 3.0)
    p1 = [
        2.81022636e-08,
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941,
    ]
    p2 = [
        -0.000200214257,
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682,
    ]
    a = np.polyval(p1, ws)
    b = np.polyval(p2, ws)
    z = np.where(small, a, b) * y
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(3):
            fin = np.isfinite(z) & (np.abs(y) < 1)
            err = _erf_scalar(np.where(fin, z, 0)).astype(np.float64) - y
            z = np.where(fin, z - err / (2 / np.sqrt(np.pi) * np.exp(-z * z)), z)
    z = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, z))
    z = np.where(np.abs(y) > 1, np.nan, z)
    return z.astype(dtype)


def erfinv(x):
    """Element-wise inverse error function (defined on `[-1, 1]`)."""
    return _unary(
        x, _erfinv_value, lambda g, x, o: g * _pymath.sqrt(_pymath.pi) / 2 * np.exp(o * o)
    )


def rsqrt(x):
    """Element-wise `1 / sqrt(x)`."""
    return _float_unary(x, lambda v: 1 / np.sqrt(v), lambda g, x, o: -0.5 * g * o * o * o)


def _segments(data, segment_ids, num_segments):
    ids = np.asarray(value_of(segment_ids)).astype(np.intp)
    dv, dn = unwrap(data)
    dv = np.asarray(dv)
    if ids.shape != dv.shape[: ids.ndim]:
        raise ValueError(
            "`segment_ids` must match the leading dimensions of `data`. Received: "
            f"segment_ids.shape={ids.shape}, data.shape={dv.shape}"
        )
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    return dv, dn, ids, int(num_segments)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Sums the rows of `data` that share a segment id.

    Args:
        data: Array whose leading dimensions match `segment_ids`.
        segment_ids: Integer segment of each row; ids outside `[0, num_segments)` are dropped.
        num_segments: Number of output rows (`max(segment_ids) + 1` when None).
        sorted: Accepted for Keras compatibility; results do not depend on it.

    Returns:
        Array of shape `(num_segments,) + data.shape[segment_ids.ndim:]`.
    """
    dv, dn, ids, n = _segments(data, segment_ids, num_segments)
    keep = (ids >= 0) & (ids < n)
    out = np.zeros((n,) + dv.shape[ids.ndim :], dtype=dv.dtype)
    np.add.at(out, ids[keep], dv[keep])
    if dn is None:
        return out

    def vjp(g):
        full = np.zeros(dv.shape, dtype=g.dtype)
        full[keep] = g[ids[keep]]
        return full

    return Tensor(out, (dn,), (vjp,))


def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Maximum of the rows of `data` that share a segment id (`-inf` for empty segments).

    The gradient is split equally between tied maxima, as `ops.max` does.
    """
    dv, dn, ids, n = _segments(data, segment_ids, num_segments)
    keep = (ids >= 0) & (ids < n)
    out = np.full((n,) + dv.shape[ids.ndim :], -np.inf, dtype=dv.dtype)
    np.maximum.at(out, ids[keep], dv[keep])
    if dn is None:
        return out

    def vjp(g):
        hit = np.zeros(dv.shape, dtype=bool)
        hit[keep] = dv[keep] == out[ids[keep]]
        counts = np.zeros(out.shape, dtype=g.dtype)
        np.add.at(counts, ids[keep], hit[keep].astype(g.dtype))
        full = np.zeros(dv.shape, dtype=g.dtype)
        full[keep] = np.where(hit[keep], g[ids[keep]] / np.maximum(counts[ids[keep]], 1), 0)
        return full

    return Tensor(out, (dn,), (vjp,))


def top_k(x, k, sorted=True):  # noqa: A002
    """The `k` largest entries along the last axis and their indices.

    Ties keep the lower index first. Gradients flow to the selected entries.

    Returns:
        `(values, indices)`.
    """
    xv = np.asarray(value_of(x))
    if k > xv.shape[-1]:
        raise ValueError(
            f"`k` must be at most the size of the last axis ({xv.shape[-1]}). Received: k={k}"
        )
    idx = np.argsort(-xv, axis=-1, kind="stable")[..., :k].astype(np.int32)
    return _np_ops.take_along_axis(x, idx, axis=-1), idx


def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the top `k` (ties count as inside)."""
    p = np.asarray(value_of(predictions))
    t = np.asarray(value_of(targets)).astype(np.intp)
    target_score = np.take_along_axis(p, t[:, None], axis=-1)
    return np.sum(p > target_score, axis=-1) < k


def logdet(x):
    """`log(det(x))` for matrices with positive determinant (e.g. SPD)."""
    from minikeras.ops.linalg import _logdet

    return _logdet(x)


__all__ = [
    "erf",
    "erfinv",
    "in_top_k",
    "logdet",
    "logsumexp",
    "rsqrt",
    "segment_max",
    "segment_sum",
    "top_k",
]
