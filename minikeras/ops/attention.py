"""`dot_product_attention`: softmax(Q Kᵀ · scale + bias) V as one op with one VJP.

Layout is Keras 3's: query `(B, T, N, H)`, key and value `(B, S, K, H)` where
`K` divides `N` (grouped-query attention shares each key/value head among
`N / K` query heads). Masked logits are replaced (not added to) by a large
negative number, so a fully masked row attends uniformly, as in Keras.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import record, unbroadcast, unwrap


def _large_negative(dtype) -> np.ndarray:
    big = 65500.0 if np.dtype(dtype) == np.float16 else 3.38953e38
    return np.asarray(-0.7 * big, dtype=dtype)


def _repeat_heads(x: np.ndarray, groups: int) -> np.ndarray:
    return x if groups == 1 else np.repeat(x, groups, axis=2)


def _sum_groups(g: np.ndarray, groups: int) -> np.ndarray:
    if groups == 1:
        return g
    b, s, n, h = g.shape
    return g.reshape(b, s, n // groups, groups, h).sum(axis=3)


def _check_shapes(q, k, v) -> int:
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. Received: "
            f"query.shape={q.shape}, key.shape={k.shape}, value.shape={v.shape}."
        )
    if k.shape != v.shape[:3] + (k.shape[3],) or k.shape[0] != q.shape[0]:
        raise ValueError(
            "`key` and `value` must share batch, sequence and head dimensions, and the batch "
            f"of `query`. Received: query.shape={q.shape}, key.shape={k.shape}, "
            f"value.shape={v.shape}."
        )
    if q.shape[3] != k.shape[3] or q.shape[2] % k.shape[2]:
        raise ValueError(
            "`query` and `key` must have the same head size, and the number of key heads "
            f"must divide the number of query heads. Received: query.shape={q.shape}, "
            f"key.shape={k.shape}."
        )
    return q.shape[2] // k.shape[2]


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention (Keras 3 `keras.ops.dot_product_attention`).

    Args:
        query: `(B, T, N, H)` array.
        key: `(B, S, K, H)` array; `K` divides `N`.
        value: `(B, S, K, H)` array.
        bias: Optional array added to the logits, broadcastable to `(B, N, T, S)`.
        mask: Optional boolean array broadcastable to `(B, N, T, S)`; False
            positions are not attended to.
        scale: Logit scale, default `1 / sqrt(H)`.
        is_causal: Whether position `t` attends only to positions `<= t`.
        flash_attention: Accepted for Keras compatibility; True is refused, as
            in Keras' NumPy backend (there is no flash kernel on NumPy).
        attn_logits_soft_cap: Optional cap `c`: logits become `c * tanh(l / c)`.

    Returns:
        `(B, T, N, H)` array, differentiable in query, key, value and bias.

    Example:
        >>> q = np.ones((2, 4, 2, 8), "float32")
        >>> dot_product_attention(q, q, q).shape
        (2, 4, 2, 8)
    """
    if flash_attention:
        raise ValueError("Flash attention is not supported in the numpy backend.")
    (qv, qn), (kv, kn), (vv, vn) = unwrap(query), unwrap(key), unwrap(value)
    qv, kv, vv = np.asarray(qv), np.asarray(kv), np.asarray(vv)
    groups = _check_shapes(qv, kv, vv)
    dtype = np.result_type(qv.dtype, kv.dtype, vv.dtype)
    if dtype.kind != "f":
        dtype = np.dtype("float32")
    qv, kv, vv = (
        qv.astype(dtype, copy=False),
        kv.astype(dtype, copy=False),
        vv.astype(dtype, copy=False),
    )
    bv, bn = unwrap(bias) if bias is not None else (None, None)
    scale = float(1.0 / np.sqrt(qv.shape[-1]) if scale is None else scale)
    # Head-major copies `(B, N, T, H)` so every product is one batched matmul (BLAS).
    qh = np.ascontiguousarray(qv.transpose(0, 2, 1, 3))
    kh = np.ascontiguousarray(_repeat_heads(kv, groups).transpose(0, 2, 1, 3))
    vh = np.ascontiguousarray(_repeat_heads(vv, groups).transpose(0, 2, 1, 3))
    logits = np.matmul(qh, kh.swapaxes(-1, -2))
    logits *= np.asarray(scale, dtype)
    if bv is not None:
        logits = logits + np.asarray(bv, dtype)
    capped = None
    if attn_logits_soft_cap is not None:
        capped = np.tanh(logits / attn_logits_soft_cap)
        logits = capped * np.asarray(attn_logits_soft_cap, dtype)
    keep = None
    if mask is not None:
        keep = np.broadcast_to(np.asarray(unwrap(mask)[0]).astype(bool), logits.shape)
    if is_causal:
        t, s = logits.shape[2], logits.shape[3]
        tri = np.tril(np.ones((t, s), dtype=bool))
        keep = tri if keep is None else keep & tri
    if keep is not None:
        logits = np.where(keep, logits, _large_negative(dtype))
    logits -= logits.max(axis=-1, keepdims=True)
    probs = np.exp(logits, out=logits)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = np.matmul(probs, vh).transpose(0, 2, 1, 3)
    if qn is None and kn is None and vn is None and bn is None:
        return out
    cache = {}

    def dlogits(g):
        """Gradient at the (scaled, biased) logits, computed once per `g`."""
        if cache.get("g") is not g:
            gh = np.ascontiguousarray(np.asarray(g, dtype).transpose(0, 2, 1, 3))
            dp = np.matmul(gh, vh.swapaxes(-1, -2))
            dp -= np.sum(dp * probs, axis=-1, keepdims=True)
            dl = np.multiply(dp, probs, out=dp)
            if keep is not None:
                dl = np.where(keep, dl, 0)
            if capped is not None:
                dl = dl * (1 - capped * capped)
            cache["g"], cache["gh"], cache["dl"] = g, gh, dl
        return cache["dl"]

    def vjp_q(g):
        return (np.matmul(dlogits(g), kh) * np.asarray(scale, dtype)).transpose(0, 2, 1, 3)

    def vjp_k(g):
        dk = np.matmul(dlogits(g).swapaxes(-1, -2), qh) * np.asarray(scale, dtype)
        return _sum_groups(dk.transpose(0, 2, 1, 3), groups)

    def vjp_v(g):
        dlogits(g)
        dv = np.matmul(probs.swapaxes(-1, -2), cache["gh"])
        return _sum_groups(dv.transpose(0, 2, 1, 3), groups)

    def vjp_bias(g):
        return unbroadcast(dlogits(g), np.shape(bv))

    return record(out, (qn, vjp_q), (kn, vjp_k), (vn, vjp_v), (bn, vjp_bias))
