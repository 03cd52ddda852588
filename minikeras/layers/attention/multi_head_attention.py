"""`MultiHeadAttention`: Keras 3's multi-head attention, weight for weight.

The projections are `EinsumDense` layers named `query`, `key`, `value`
(`gate` with `use_gate`) and `attention_output`, held as `query_dense`,
`key_dense`, `value_dense`, `output_dense`, so `.keras` and `.weights.h5`
files of Keras 3 transformer models load here and the other way round.
"""

from __future__ import annotations

import string
import warnings

import numpy as np

from minikeras import constraints, initializers, ops, regularizers
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.attention import attention_masks
from minikeras.layers.core.einsum_dense import EinsumDense
from minikeras.layers.layer import Layer
from minikeras.layers.regularization.dropout import Dropout


def _letters(n: int, offset: int = 0) -> str:
    return string.ascii_lowercase[offset : offset + n]


def projection_equation(free_dims: int, bound_dims: int, output_dims: int):
    """`(equation, bias_axes, output_rank)` of a projection: free axes kept, bound summed."""
    free = _letters(free_dims)
    bound = _letters(bound_dims, free_dims)
    out = _letters(output_dims, free_dims + bound_dims)
    return f"{free}{bound},{bound}{out}->{free}{out}", out, free_dims + output_dims


def attention_equations(rank: int, attn_axes: tuple):
    """Einsum equations of the scores and of the combination, and the scores' rank.

    Projected tensors are `(batch, <other axes>, <attention axes>, heads, channels)`.
    """
    target = _letters(rank)
    batch_dims = tuple(i for i in range(rank) if i not in attn_axes and i != rank - 1)
    source, extra = "", rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letters(1, extra)
            extra += 1
    product = "".join(
        [target[i] for i in batch_dims]
        + [target[i] for i in attn_axes]
        + [source[i] for i in attn_axes]
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _output_shape(rank: int, known: list) -> list:
    return [None] * (rank - len(known)) + list(known)


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017), as Keras 3 computes it.

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each head for query and key.
        value_dim: Size of each head for value (default `key_dim`).
        dropout: Dropout rate on the attention probabilities.
        use_bias: Whether the projections have biases.
        output_shape: Output feature shape (default: the query's last axis).
        attention_axes: Axes attention is applied over (default: all but
            batch, heads and features).
        sliding_window: Optional band width: positions further apart than
            `sliding_window - 1` do not attend to each other.
        flash_attention: Accepted and ignored (NumPy has no flash kernel; the
            result is the same).
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: For the projection layers.
        use_gate: Whether a sigmoid gate (from the query) multiplies the
            attention output before the output projection.
        seed: Seed of the attention dropout.

    Call arguments:
        query: `(B, T, dim)`; value: `(B, S, dim)`; key: optional `(B, S, dim)`.
        attention_mask: Boolean `(B, T, S)`; False positions are not attended to.
        return_attention_scores: Also return `(B, heads, T, S)` probabilities.
        training: Whether dropout is active.
        use_causal_mask: Whether position `t` attends only to positions `<= t`.

    Example:
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=16)
        >>> x = np.ones((4, 8, 32), "float32")
        >>> mha(x, x).shape
        (4, 8, 32)
    """

    _spec_takes_call_args = True

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        for arg, val in (("num_heads", num_heads), ("key_dim", key_dim)):
            if isinstance(val, bool) or not isinstance(val, int) or val <= 0:
                raise ValueError(
                    f"Received an invalid value for argument `{arg}`, expected a "
                    f"positive integer. Received: {arg}={val}"
                )
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a "
                f"positive integer or `None`. Received: value_dim={value_dim}"
            )
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or sliding_window <= 0
        ):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. "
                f"Received: sliding_window={sliding_window}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout = float(dropout)
        self.use_bias, self.use_gate = bool(use_bias), bool(use_gate)
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "`attention_axes` must be an int, list, or tuple. Received: "
                f"attention_axes={attention_axes}"
            )
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.sliding_window = sliding_window
        if flash_attention:
            warnings.warn(
                "MultiHeadAttention: `flash_attention` is ignored by minikeras (the "
                "NumPy kernel computes the same result).",
                UserWarning,
                stacklevel=2,
            )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / np.sqrt(float(key_dim))
        self._shapes_dict = None

    # ------------------------------------------------------------------ build

    def _sublayer_kwargs(self) -> dict:
        return {
            "kernel_initializer": initializers.get(initializers.serialize(self.kernel_initializer)),
            "bias_initializer": initializers.get(initializers.serialize(self.bias_initializer)),
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
            "dtype": self.dtype,
        }

    def _projection(self, rank: int, heads_dim: int, name: str, **extra) -> EinsumDense:
        eq, bias_axes, out_rank = projection_equation(rank - 1, 1, 2)
        return EinsumDense(
            eq,
            output_shape=_output_shape(out_rank - 1, [self.num_heads, heads_dim]),
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            **extra,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = tuple(query_shape if value_shape is None else value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        query_shape = tuple(query_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        self.query_dense = self._projection(len(query_shape), self.key_dim, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._projection(len(key_shape), self.key_dim, "key")
        self.key_dense.build(key_shape)
        if self.use_gate:
            self.gate_dense = self._projection(
                len(query_shape), self.value_dim, "gate", activation="sigmoid"
            )
            self.gate_dense.build(query_shape)
        self.value_dense = self._projection(len(value_shape), self.value_dim, "value")
        self.value_dense.build(value_shape)
        rank = len(value_shape) + 1
        if self.attention_axes is None:
            self.attention_axes = tuple(range(1, rank - 2))
        else:
            self.attention_axes = tuple(
                a if a >= 0 else (rank - 1) + a for a in self.attention_axes
            )
        self._dot_eq, self._combine_eq, scores_rank = attention_equations(rank, self.attention_axes)
        self._norm_axes = tuple(range(scores_rank - len(self.attention_axes), scores_rank))
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype)
        out_shape = self._output_shape or [query_shape[-1]]
        eq, bias_axes, out_rank = projection_equation(len(query_shape) - 1, 2, len(out_shape))
        self.output_dense = EinsumDense(
            eq,
            output_shape=_output_shape(out_rank - 1, out_shape),
            bias_axes=bias_axes if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self.output_dense.build((*query_shape[:-1], self.num_heads, self.value_dim))
        self._shapes_dict = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape is not value_shape:
            self._shapes_dict["key_shape"] = list(key_shape)
        self.built = True

    def get_build_config(self):
        return None if self._shapes_dict is None else {"shapes_dict": self._shapes_dict}

    def build_from_config(self, config):
        if not config or self.built:
            return
        if "shapes_dict" in config:
            self.build(**config["shapes_dict"])
        elif config.get("input_shape") is not None:
            self.build(config["input_shape"])

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            value = kwargs.pop("inputs", None)
        if value is None:
            raise ValueError(f"Layer '{self.name}' needs `query` and `value` inputs.")
        if not self.built:
            self.build(ops.shape(query), ops.shape(value), None if key is None else ops.shape(key))
        args = (value,) if key is None else (value, key)
        return super().__call__(query, *args, **kwargs)

    # ------------------------------------------------------------------ call

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
        mask=None,
    ):
        # As in Keras 3, the query mask is the query's Keras mask (`mask`, from the graph);
        # an explicit `query_mask` argument is replaced by it.
        query_mask = mask
        if mask is not None and value is query and value_mask is None:
            value_mask = mask
        key = value if key is None else key
        attention_mask = attention_masks.combine(
            ops.shape(query)[1],
            ops.shape(value)[1],
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
            self.sliding_window,
        )
        gate = self.gate_dense(query) if self.use_gate else None
        q, k, v = self.query_dense(query), self.key_dense(key), self.value_dense(value)
        out, scores = self._compute_attention(
            q, k, v, attention_mask, training, return_attention_scores
        )
        if gate is not None:
            out = ops.multiply(out, gate)
        out = self.output_dense(out)
        return (out, scores) if return_attention_scores else out

    def _compute_attention(
        self, query, key, value, attention_mask=None, training=None, return_attention_scores=False
    ):
        if not (self.dropout > 0 or return_attention_scores or len(ops.shape(query)) != 4):
            if attention_mask is not None:
                attention_mask = np.asarray(attention_mask, dtype=bool)
                while attention_mask.ndim < 4:
                    attention_mask = np.expand_dims(attention_mask, -3)
            out = ops.dot_product_attention(
                query, key, value, mask=attention_mask, scale=self._inverse_sqrt_key_dim
            )
            return out, None
        query = ops.multiply(
            query, np.asarray(self._inverse_sqrt_key_dim, ops.convert_to_numpy(query).dtype)
        )
        scores = ops.einsum(self._dot_eq, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0 else scores
        return ops.einsum(self._combine_eq, dropped, value), scores

    def _masked_softmax(self, scores, mask):
        rank = len(ops.shape(scores))
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            while mask.ndim < rank:
                mask = np.expand_dims(mask, -len(self.attention_axes) * 2 - 1)
            scores = ops.where(mask, scores, np.asarray(-1e9, ops.convert_to_numpy(scores).dtype))
        if len(self._norm_axes) == 1:
            probs = ops.softmax(scores, axis=self._norm_axes[0])
        else:
            probs = ops.exp(
                ops.subtract(scores, ops.logsumexp(scores, axis=self._norm_axes, keepdims=True))
            )
        if mask is not None:
            probs = ops.where(mask, probs, np.asarray(0.0, ops.convert_to_numpy(probs).dtype))
        return probs

    # ------------------------------------------------------------------ shapes & config

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value=None, key=None, **kwargs):
        out = KerasTensor(self.compute_output_shape(query.shape), dtype=self.dtype)
        if kwargs.get("return_attention_scores"):
            t = query.shape[1]
            s = value.shape[1] if value is not None else t
            return [out, KerasTensor((query.shape[0], self.num_heads, t, s), dtype=self.dtype)]
        return out

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "dropout": self.dropout,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "output_shape": None if self._output_shape is None else list(self._output_shape),
                "attention_axes": None
                if self.attention_axes is None
                else list(self.attention_axes),
                "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed,
            }
        )
        return cfg
