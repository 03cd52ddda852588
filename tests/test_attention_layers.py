"""Attention: float64 finite-difference gradients, functional models, saving, errors."""

import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.testing import gradient_check
from minikeras.testing.layer_gradient_check import layer_gradient_check

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "attention")
rng = np.random.default_rng(0)


def _qkv(n=4, k=4):
    return (
        rng.normal(size=(2, 3, n, 5)),
        rng.normal(size=(2, 4, k, 5)),
        rng.normal(size=(2, 4, k, 5)),
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"is_causal": True},
        {"scale": 0.7},
        {"attn_logits_soft_cap": 2.0},
        {"mask": rng.random((2, 1, 3, 4)) > 0.3},
    ],
)
def test_dot_product_attention_gradient_qkv(kwargs):
    q, k, v = _qkv()
    assert (
        gradient_check(lambda a, b, c: ops.dot_product_attention(a, b, c, **kwargs), [q, k, v])
        < 1e-5
    )


def test_dot_product_attention_gradient_bias_and_grouped_heads():
    q, k, v = _qkv(4, 2)
    bias = rng.normal(size=(1, 4, 3, 4))
    assert (
        gradient_check(
            lambda a, b, c, d: ops.dot_product_attention(a, b, c, bias=d), [q, k, v, bias]
        )
        < 1e-5
    )


def test_dot_product_attention_hand_value():
    # one head, one query: softmax([0, 1*1]) weights on values [10, 20]
    q = np.array([[[[1.0]]]])
    k = np.array([[[[0.0]], [[1.0]]]])
    v = np.array([[[[10.0]], [[20.0]]]])
    w = np.exp(1.0) / (1 + np.exp(1.0))
    out = ops.dot_product_attention(q, k, v, scale=1.0)
    np.testing.assert_allclose(out, [[[[10 * (1 - w) + 20 * w]]]])
    # a fully masked row attends uniformly (Keras replaces masked logits)
    out = ops.dot_product_attention(q, k, v, mask=np.zeros((1, 1, 1, 2), bool))
    np.testing.assert_allclose(out, [[[[15.0]]]])


class _SelfAttention(layers.Layer):
    def __init__(self, inner, **call_kwargs):
        super().__init__(dtype="float64")
        self.inner = inner
        self.call_kwargs = call_kwargs

    def call(self, x, training=False):
        out = self.inner(x, x, training=training, **self.call_kwargs)
        return out[0] if isinstance(out, (list, tuple)) else out


@pytest.mark.parametrize(
    "layer_kwargs,call_kwargs",
    [
        ({"num_heads": 2, "key_dim": 3}, {}),
        ({"num_heads": 2, "key_dim": 3}, {"use_causal_mask": True}),
        ({"num_heads": 2, "key_dim": 3, "value_dim": 2}, {"return_attention_scores": True}),
        ({"num_heads": 2, "key_dim": 3, "use_gate": True, "output_shape": 5}, {}),
    ],
)
def test_multi_head_attention_gradients_float64(layer_kwargs, call_kwargs):
    x = rng.normal(size=(2, 4, 6))
    layer = _SelfAttention(
        layers.MultiHeadAttention(**layer_kwargs, dtype="float64"), **call_kwargs
    )
    layer(x)
    layer_gradient_check(layer, x)


@pytest.mark.parametrize(
    "inner",
    [
        lambda: layers.GroupQueryAttention(
            head_dim=3, num_query_heads=4, num_key_value_heads=2, dtype="float64"
        ),
    ],
)
def test_group_query_attention_gradients_float64(inner):
    x = rng.normal(size=(2, 4, 6))
    layer = _SelfAttention(inner())
    layer(x)
    layer_gradient_check(layer, x)


class _PairAttention(layers.Layer):
    def __init__(self, inner):
        super().__init__(dtype="float64")
        self.inner = inner

    def call(self, x):
        return self.inner([x, ops.multiply(x, 0.5)], use_causal_mask=True)


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.Attention(use_scale=True, dtype="float64"),
        lambda: layers.Attention(score_mode="concat", use_scale=True, dtype="float64"),
        lambda: layers.AdditiveAttention(dtype="float64"),
    ],
)
def test_attention_gradients_float64(make):
    x = rng.normal(size=(2, 4, 3))
    layer = _PairAttention(make())
    layer(x)
    layer_gradient_check(layer, x)


def test_einsum_dense_gradient_float64():
    layer = layers.EinsumDense(
        "abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", dtype="float64"
    )
    x = rng.normal(size=(2, 4, 5))
    layer(x)
    layer_gradient_check(layer, x)


@keras.saving.register_keras_serializable(package="demo")
class TokenAndPositionEmbedding(layers.Layer):
    """keras.io's token + position embedding, as in the fixture script."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = ops.arange(0, ops.shape(x)[-1], 1)
        return self.token_emb(x) + self.pos_emb(positions)

    def get_config(self):
        return {
            **super().get_config(),
            "maxlen": self.maxlen,
            "vocab_size": self.vocab_size,
            "embed_dim": self.embed_dim,
        }


def _transformer_classifier(maxlen=12, vocab=50, dim=16):
    inp = keras.Input((maxlen,), dtype="int32")
    x = TokenAndPositionEmbedding(maxlen, vocab, dim)(inp)
    att = layers.MultiHeadAttention(num_heads=2, key_dim=dim)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, att]))
    ffn = layers.Dense(dim)(layers.Dense(32, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, ffn]))
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inp, layers.Dense(2, activation="softmax")(x))


def test_keras_transformer_keras_file_loads_and_predicts():
    io = np.load(os.path.join(FIX, "transformer_io.npz"))
    model = keras.saving.load_model(os.path.join(FIX, "transformer.keras"))
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], atol=1e-5)


def test_keras_weights_h5_loads_into_a_minikeras_transformer(tmp_path):
    io = np.load(os.path.join(FIX, "transformer_io.npz"))
    model = _transformer_classifier()
    model.load_weights(os.path.join(FIX, "transformer.weights.h5"))
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], atol=1e-5)
    # and back: our .keras and .weights.h5 reload to the same predictions
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    again = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict(io["x"], verbose=0), io["y"], atol=1e-5)
    fresh = _transformer_classifier()
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(fresh.predict(io["x"], verbose=0), io["y"], atol=1e-5)


def test_transformer_block_trains():
    keras.utils.set_random_seed(0)
    x = rng.integers(1, 20, (64, 8))
    y = ((x > 10).sum(axis=1) > 4).astype("int32")
    inp = keras.Input((8,), dtype="int32")
    h = layers.Embedding(20, 8)(inp)
    h = layers.LayerNormalization()(h + layers.MultiHeadAttention(2, 4, dropout=0.1)(h, h))
    out = layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling1D()(h))
    model = keras.Model(inp, out)
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"])
    hist = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.6 * hist.history["loss"][0]


def test_functional_scores_output_and_masks():
    inp = keras.Input((6,), dtype="int32")
    h = layers.Embedding(10, 8, mask_zero=True)(inp)
    out, scores = layers.MultiHeadAttention(2, 4)(h, h, return_attention_scores=True)
    model = keras.Model(inp, [out, scores])
    assert tuple(scores.shape) == (None, 2, 6, 6)
    x = np.array([[1, 2, 3, 0, 0, 0]])
    _, s = model.predict(x, verbose=0)
    # padded keys get no attention from the real positions (value mask from the Keras mask)
    np.testing.assert_allclose(s[0, :, :3, 3:], 0.0, atol=1e-7)
    np.testing.assert_allclose(s[0, :, :3, :3].sum(-1), 1.0, atol=1e-6)


def test_argument_errors():
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 4)
    with pytest.raises(ValueError, match="sliding_window"):
        layers.MultiHeadAttention(2, 4, sliding_window=0)
    with pytest.raises(ValueError, match="divisible"):
        layers.GroupQueryAttention(4, 3, 2)
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="bad")
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(np.ones((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="not part of the output spec"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="b")(np.ones((2, 4)))
    with pytest.warns(UserWarning, match="flash_attention"):
        layers.MultiHeadAttention(2, 4, flash_attention=True)


ORACLE = os.environ.get("MINIKERAS_ORACLE_PYTHON", "/opt/kvenv/bin/python")


@pytest.mark.oracle
def test_real_keras_loads_our_transformer_files(tmp_path):
    """Real Keras 3 reads the .keras and .weights.h5 files minikeras writes."""
    import subprocess

    if not os.path.exists(ORACLE):
        pytest.skip("no real Keras install (set MINIKERAS_ORACLE_PYTHON)")
    keras.utils.set_random_seed(5)
    model = _transformer_classifier()
    x = rng.integers(0, 50, (3, 12)).astype("int32")
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    np.save(tmp_path / "x.npy", x)
    script = f"""
import os, sys
os.environ["KERAS_BACKEND"] = "jax"
sys.path.insert(0, {FIX!r})
import numpy as np, keras, make_attention_fixtures as fx
x = np.load({str(tmp_path / "x.npy")!r})
a = keras.saving.load_model({str(tmp_path / "m.keras")!r}).predict(x, verbose=0)
m = fx.transformer_classifier()
m.load_weights({str(tmp_path / "m.weights.h5")!r})
np.save({str(tmp_path / "out.npy")!r}, np.stack([a, m.predict(x, verbose=0)]))
"""
    done = subprocess.run([ORACLE, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = np.load(tmp_path / "out.npy")
    np.testing.assert_allclose(out[0], expected, atol=1e-5)
    np.testing.assert_allclose(out[1], expected, atol=1e-5)
