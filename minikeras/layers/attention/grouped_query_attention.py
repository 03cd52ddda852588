"""`GroupQueryAttention`: query heads share fewer key/value heads (Keras 3 layout)."""

from __future__ import annotations

from minikeras import constraints, initializers, ops, regularizers
from minikeras.layers.attention.multi_head_attention import MultiHeadAttention
from minikeras.layers.core.einsum_dense import EinsumDense
from minikeras.layers.regularization.dropout import Dropout


class GroupedQueryAttention(MultiHeadAttention):
    """Grouped-query attention (Ainslie et al., 2023), weight for weight as Keras 3.

    Each of the `num_key_value_heads` key/value heads serves
    `num_query_heads / num_key_value_heads` query heads. Exported as
    `GroupQueryAttention`, serialized as Keras does (`GroupedQueryAttention`).

    Args:
        head_dim: Size of each attention head.
        num_query_heads: Number of query heads.
        num_key_value_heads: Number of key and value heads; divides `num_query_heads`.
        dropout, use_bias, sliding_window, flash_attention, kernel_initializer,
        bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint, use_gate,
        seed: As in `MultiHeadAttention`.

    Example:
        >>> gqa = GroupQueryAttention(head_dim=8, num_query_heads=4, num_key_value_heads=2)
        >>> x = np.ones((2, 6, 16), "float32")
        >>> gqa(x, x).shape
        (2, 6, 16)
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
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
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. "
                f"Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        super().__init__(
            num_heads=num_query_heads,
            key_dim=head_dim,
            dropout=dropout,
            use_bias=use_bias,
            sliding_window=sliding_window,
            flash_attention=flash_attention,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            use_gate=use_gate,
            seed=seed,
            **kwargs,
        )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads

    def _dense(self, equation, heads, bias_axes, name, **extra):
        return EinsumDense(
            equation,
            output_shape=(None, heads, self.head_dim),
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            **extra,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self.feature_dim = query_shape[-1]
        self.query_dense = self._dense("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._dense("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self.key_dense.build(key_shape)
        if self.use_gate:
            self.gate_dense = self._dense(
                "bqm,muh->bquh", self.num_query_heads, "uh", "gate", activation="sigmoid"
            )
            self.gate_dense.build(query_shape)
        self.value_dense = self._dense("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self.value_dense.build(value_shape)
        self.attention_axes = (1,)
        self._dot_eq, self._combine_eq, self._norm_axes = (
            "bkuh,bquh->buqk",
            "buqk,bkuh->bquh",
            (3,),
        )
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype)
        self.output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self.output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self._shapes_dict = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        self.built = True

    def _compute_attention(
        self, query, key, value, attention_mask=None, training=None, return_attention_scores=False
    ):
        key = ops.repeat(key, self.num_repeats, axis=2)
        value = ops.repeat(value, self.num_repeats, axis=2)
        return super()._compute_attention(
            query, key, value, attention_mask, training, return_attention_scores
        )

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape)

    def get_config(self) -> dict:
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        cfg.update(
            {
                "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "dropout": self.dropout,
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


GroupQueryAttention = GroupedQueryAttention
