"""Recurrent, merging and misc layers against real Keras 3.15.1 outputs and gradients.

The expected values in tests/fixtures/rnnmerge/keras_outputs.npz were produced by
tests/fixtures/rnnmerge/gen_keras_fixtures.py with Keras 3.15.1 (JAX backend): the
same architectures, the same seeded weights, the same inputs. Gradients are JAX's
autodiff of `sum(y0 * seed)` with respect to every trainable weight.
"""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers as L
from minikeras import ops
from minikeras.backend.autodiff import GradientTape

FIX = np.load(
    __import__("pathlib").Path(__file__).parent / "fixtures" / "rnnmerge" / "keras_outputs.npz"
)


def rnn_case(layer_fn, d=2):
    def build():
        x = keras.Input((5, d))
        return x, layer_fn()(x)

    return build


def masked_case(layer_fn):
    def build():
        x = keras.Input((5,), dtype="int32")
        e = L.Embedding(10, 3, mask_zero=True)(x)
        return x, layer_fn()(e)

    return build


def init_state_build():
    x = keras.Input((5, 2))
    h = keras.Input((4,))
    c = keras.Input((4,))
    return [x, h, c], L.LSTM(4, return_sequences=True)(x, initial_state=[h, c])


def embed_build():
    x = keras.Input((5,), dtype="int32")
    return x, L.Embedding(10, 3)(x)


def merge_build(layer_fn, shapes):
    def build():
        ins = [keras.Input(s) for s in shapes]
        return ins, layer_fn()(ins)

    return build


def single(layer_fn, shape=(3, 4)):
    def build():
        x = keras.Input(shape)
        return x, layer_fn()(x)

    return build


CASES = {
    "simple_rnn": rnn_case(lambda: L.SimpleRNN(4, return_sequences=True)),
    "lstm": rnn_case(lambda: L.LSTM(4, return_sequences=True, return_state=True)),
    "lstm_back": rnn_case(lambda: L.LSTM(4, return_sequences=True, go_backwards=True)),
    "gru": rnn_case(lambda: L.GRU(4, return_sequences=True)),
    "gru_v1": rnn_case(lambda: L.GRU(4, reset_after=False, return_sequences=True)),
    "lstm_last": rnn_case(lambda: L.LSTM(3)),
    "masked_lstm": masked_case(lambda: L.LSTM(4, return_sequences=True, return_state=True)),
    "masked_gru_back": masked_case(lambda: L.GRU(4, go_backwards=True, return_sequences=True)),
    "masked_simple_rnn": masked_case(lambda: L.SimpleRNN(4)),
    "bidi_none": rnn_case(lambda: L.Bidirectional(L.GRU(3), merge_mode=None)),
    "bidi_masked": masked_case(lambda: L.Bidirectional(L.LSTM(3, return_sequences=True))),
    "bidi_state": rnn_case(lambda: L.Bidirectional(L.LSTM(3, return_state=True))),
    "lstm_init_state": init_state_build,
    "time_distributed": rnn_case(lambda: L.TimeDistributed(L.Dense(2))),
    "embedding": embed_build,
    "conv_lstm_same": single(
        lambda: L.ConvLSTM2D(3, 3, padding="same", return_sequences=True), (4, 5, 5, 2)
    ),
    "conv_lstm_valid": single(
        lambda: L.ConvLSTM2D(2, (2, 3), strides=(2, 1), return_state=True, go_backwards=True),
        (3, 6, 5, 2),
    ),
}
for _mode in ("concat", "sum", "mul", "ave"):
    CASES[f"bidi_{_mode}"] = rnn_case(
        lambda mode=_mode: L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=mode)
    )
for _name, _fn, _shapes in [
    ("add", L.Add, [(3, 4)] * 3),
    ("subtract", L.Subtract, [(3, 4)] * 2),
    ("multiply", L.Multiply, [(3, 4)] * 2),
    ("average", L.Average, [(3, 4)] * 3),
    ("maximum", L.Maximum, [(3, 4)] * 2),
    ("minimum", L.Minimum, [(3, 4)] * 2),
    ("concat1", lambda: L.Concatenate(axis=1), [(3, 4), (2, 4)]),
    ("dot1", lambda: L.Dot(axes=1), [(4,), (4,)]),
    ("dot22n", lambda: L.Dot(axes=(2, 2), normalize=True), [(3, 4), (5, 4)]),
    ("dot12", lambda: L.Dot(axes=(1, 2)), [(3, 4), (5, 3)]),
]:
    CASES[f"merge_{_name}"] = merge_build(_fn, _shapes)
for _name, _fn, _shape in [
    ("repeat_vector", lambda: L.RepeatVector(3), (4,)),
    ("permute", lambda: L.Permute((2, 1)), (3, 4)),
    ("leaky_relu", lambda: L.LeakyReLU(negative_slope=0.1), (3, 4)),
    ("prelu", lambda: L.PReLU(shared_axes=[1]), (3, 4)),
    ("elu", lambda: L.ELU(alpha=0.7), (3, 4)),
    ("relu_cfg", lambda: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), (3, 4)),
    ("softmax", lambda: L.Softmax(axis=1), (3, 4)),
    ("identity", L.Identity, (3, 4)),
]:
    CASES[f"misc_{_name}"] = single(_fn, _shape)


def _arrays(prefix, name):
    out = []
    while f"{name}/{prefix}{len(out)}" in FIX:
        out.append(FIX[f"{name}/{prefix}{len(out)}"])
    return out


def _load(name):
    inputs, outputs = CASES[name]()
    model = keras.Model(inputs, outputs)
    model.set_weights(_arrays("w", name))
    xs = _arrays("x", name)
    return model, (xs if len(xs) > 1 else xs[0])


def test_every_fixture_case_is_covered():
    names = {k.split("/")[0] for k in FIX.files}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_match_keras(name):
    model, x = _load(name)
    ys = model(x)
    ys = ys if isinstance(ys, list) else [ys]
    expected = _arrays("y", name)
    assert len(ys) == len(expected)
    for got, want in zip(ys, expected):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-5, atol=1e-5)


GRAD_CASES = sorted(k.split("/")[0] for k in FIX.files if k.endswith("/seed"))


@pytest.mark.parametrize("name", GRAD_CASES)
def test_gradients_match_keras(name):
    model, x = _load(name)
    seed = FIX[f"{name}/seed"]
    with GradientTape() as tape:
        ys = model(x, training=True)
        y0 = ys[0] if isinstance(ys, list) else ys
        loss = ops.sum(ops.multiply(y0, seed))
    grads = tape.gradient(loss, model.trainable_weights)
    expected = _arrays("g", name)
    assert len(grads) == len(expected)
    for w, g, want in zip(model.trainable_weights, grads, expected):
        np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-5, err_msg=w.path)
