"""`Attention` (Luong-style dot-product) and `AdditiveAttention` (Bahdanau-style)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.attention import attention_masks
from minikeras.layers.layer import Layer
from minikeras.random import SeedGenerator
from minikeras.random import dropout as random_dropout


class Attention(Layer):
    """Dot-product attention over `[query, value]` or `[query, value, key]`.

    Args:
        use_scale: Whether a learned scalar `scale` multiplies the scores.
        score_mode: `"dot"` (`q . k`) or `"concat"`
            (`concat_score_weight * sum(tanh(scale * (q + k)))`).
        dropout: Dropout rate on the attention distribution.
        seed: Seed of that dropout.

    Call arguments:
        inputs: `[query (B, Tq, dim), value (B, Tv, dim)]`, optionally `key`.
        mask: `[query_mask (B, Tq), value_mask (B, Tv)]`.
        return_attention_scores: Also return the `(B, Tq, Tv)` distribution.
        use_causal_mask: Whether position `i` attends only to positions `<= i`.

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> Attention()([q, v]).shape
        (2, 3, 4)
    """

    _spec_takes_call_args = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of "
                f"{{'dot', 'concat'}}. Received: score_mode={score_mode}"
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.dropout > 0 else None
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones"
            )
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        summed = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = ops.multiply(self.scale, summed)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(summed), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        if scores_mask is not None:
            big = 65504.0 if ops.convert_to_numpy(scores).dtype == np.float16 else 1.0e9
            scores_mask = np.asarray(scores_mask, dtype=bool)
            if scores_mask.ndim == 2:
                scores_mask = scores_mask[..., None, :]
            scores = ops.where(scores_mask, scores, ops.subtract(scores, big))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random_dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(q, k)
        t, s = ops.shape(q)[-2], ops.shape(k)[-2]
        scores_mask = v_mask
        if use_causal_mask:
            scores_mask = attention_masks.combine(t, s, value_mask=v_mask, use_causal_mask=True)
        out, weights = self._apply_scores(scores, v, scores_mask, training)
        if q_mask is not None:
            keep = np.asarray(ops.convert_to_numpy(q_mask), dtype=bool)[..., None]
            out = ops.where(keep, out, np.asarray(0, ops.convert_to_numpy(out).dtype))
        return (out, weights) if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(
        self, inputs, mask=None, return_attention_scores=False, training=None, use_causal_mask=False
    ):
        self._validate_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        out = KerasTensor(self.compute_output_shape([q.shape, v.shape]), dtype=self.dtype)
        if return_attention_scores:
            return [out, KerasTensor((*q.shape[:-1], k.shape[-2]), dtype=self.dtype)]
        return out

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely "
                "[query, value] or [query, value, key]. Received length: "
                f"{len(inputs)}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name} layer mask must be a list of length 2 or 3, namely "
                f"[query_mask, value_mask]. Received: mask={mask}."
            )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return cfg


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: `sum(scale * tanh(q + k))` scores.

    Args:
        use_scale: Whether a learned per-feature `scale` vector (of the query's
            feature size) multiplies the `tanh` terms (default True).
        dropout: Dropout rate on the attention distribution.

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> AdditiveAttention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(input_shape[0][-1],), initializer="glorot_uniform"
            )
        self.built = True

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            summed = ops.multiply(self.scale, summed)
        return ops.sum(summed, axis=-1)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["score_mode"]
        return cfg
