"""float64 finite-difference checks of the fused recurrent ops and the embedding lookup."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import layers, ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable
from minikeras.ops import rnn
from minikeras.testing.gradient_check import gradient_check, numerical_gradient

B, T, U = 2, 4, 3
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], dtype=bool)


def _r(*shape, scale=1.0, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape) * scale


@pytest.mark.parametrize("mask", [None, MASK])
@pytest.mark.parametrize("rdrop", [False, True])
def test_simple_rnn_sequence_gradient(mask, rdrop):
    rm = _r(B, U) + 1.5 if rdrop else None
    gradient_check(
        lambda x, h, u: rnn.simple_rnn_sequence(x, h, u, mask, rm),
        [_r(B, T, U), _r(B, U), _r(U, U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("mask", [None, MASK])
@pytest.mark.parametrize("rdrop", [False, True])
def test_lstm_sequence_gradient(mask, rdrop):
    rm = _r(B, U) + 1.5 if rdrop else None
    gradient_check(
        lambda x, h, c, u: rnn.lstm_sequence(x, h, c, u, mask, rm),
        [_r(B, T, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("acts", [("relu", "hard_sigmoid"), ("linear", "sigmoid")])
def test_lstm_sequence_gradient_other_activations(acts):
    gradient_check(
        lambda x, h, c, u: rnn.lstm_sequence(x, h, c, u, MASK, None, *acts),
        [_r(B, T, 4 * U), _r(B, U), _r(B, U), _r(U, 4 * U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("mask", [None, MASK])
@pytest.mark.parametrize("rdrop", [False, True])
def test_gru_sequence_gradient_reset_after(mask, rdrop):
    rm = _r(B, U) + 1.5 if rdrop else None
    gradient_check(
        lambda x, h, u, b: rnn.gru_sequence(x, h, u, b, mask, rm),
        [_r(B, T, 3 * U), _r(B, U), _r(U, 3 * U, scale=0.5), _r(3 * U)],
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("mask", [None, MASK])
def test_gru_sequence_gradient_reset_before(mask):
    gradient_check(
        lambda x, h, u: rnn.gru_sequence(x, h, u, None, mask, _r(B, U) + 1.5, reset_after=False),
        [_r(B, T, 3 * U), _r(B, U), _r(U, 3 * U, scale=0.5)],
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_layer_gradients_with_mask_and_go_backwards(cls, go_backwards):
    """The whole layer (projection + fused op + slicing) in float64, masked."""
    layer = cls(U, return_sequences=True, go_backwards=go_backwards, dtype="float64")
    layer.build((B, T, 2))
    weights = [w.numpy().astype(np.float64) for w in layer.weights]
    x = _r(B, T, 2)

    # Run through the tape with the layer's own variables as the sources.
    def run(xv, *ws):
        with GradientTape() as tape:
            xvar = Variable(xv, dtype="float64")
            for var, w in zip(layer.weights, ws):
                var.assign(w)
            y = layer(xvar, mask=MASK)
            loss = ops.sum(ops.multiply(y, seed))
        return float(ops.convert_to_numpy(loss)), tape.gradient(loss, [xvar, *layer.weights])

    seed = _r(B, T, U, seed=7)
    _, grads = run(x, *weights)
    arrays = [x, *weights]
    for k, a in enumerate(arrays):
        num = numerical_gradient(lambda: run(*arrays)[0], a)
        np.testing.assert_allclose(grads[k], num, rtol=1e-5, atol=1e-7)
    assert layer.weights[0].dtype == "float64"


def test_masked_steps_carry_state_and_stop_gradient():
    """At masked steps the state is carried, so earlier steps' inputs get no gradient
    from those steps; fully masked rows give zero input-gradient."""
    mask = np.array([[1, 1, 1, 1], [0, 0, 0, 0]], dtype=bool)
    x = Variable(_r(B, T, 4 * U))
    h0 = np.zeros((B, U))
    with GradientTape() as tape:
        out = rnn.lstm_sequence(x, h0, h0, _r(U, 4 * U, scale=0.5), mask)
        loss = ops.sum(out)
    g = tape.gradient(loss, x)
    assert np.all(g[1] == 0) and np.any(g[0] != 0)
    np.testing.assert_array_equal(ops.convert_to_numpy(out)[1], 0)


def test_embedding_lookup_gradient_sums_repeats():
    idx = np.array([[1, 3, 1], [0, 1, 4]])
    gradient_check(lambda e: rnn.embedding_lookup(e, idx), [_r(5, 3)])
    emb = Variable(np.ones((5, 2)))
    with GradientTape() as tape:
        loss = ops.sum(rnn.embedding_lookup(emb, idx))
    np.testing.assert_array_equal(tape.gradient(loss, emb)[:, 0], [1, 3, 0, 1, 1])


def test_embedding_lookup_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"index 7 is out of range.*\[0, 5\)"):
        rnn.embedding_lookup(np.zeros((5, 2)), np.array([[1, 7]]))


def test_unknown_fused_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="no fused recurrent kernel"):
        rnn.simple_rnn_sequence(
            np.zeros((1, 2, 3)), np.zeros((1, 3)), np.zeros((3, 3)), activation="gelu"
        )
