"""The fused bidirectional LSTM op and `Bidirectional(LSTM)`'s use of it: both
directions in one loop give bit for bit what two separate fused ops (and the layers'
own calls) give, forward and backward; float64 finite differences for the op."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras
from minikeras import layers as L
from minikeras import ops
from minikeras.backend.gradient_tape import GradientTape
from minikeras.backend.variable import Variable
from minikeras.layers.rnn.bidirectional import Bidirectional
from minikeras.ops import rnn
from minikeras.testing.gradient_check import gradient_check

B, T, E, U = 3, 5, 2, 3
MASK = np.array([[1, 1, 0, 1, 1], [0, 1, 1, 0, 1], [1, 1, 1, 1, 0]], dtype=bool)


def _r(*shape, scale=1.0, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed + sum(shape))
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _inputs(dtype, seed=0):
    """Forward and backward projections (the backward one a time-reversed view of
    gate-major memory, as the layer makes it), states and recurrent kernels."""
    xw_f = rnn.time_major_dense(_r(B, T, E, seed=seed, dtype=dtype), _r(E, 4 * U, dtype=dtype))
    xw_b = rnn.time_major_dense(
        _r(B, T, E, seed=seed, dtype=dtype), _r(E, 4 * U, seed=1, dtype=dtype)
    )
    xw_b = xw_b[::-1]
    states = [_r(B, U, seed=seed + k, dtype=dtype) for k in range(4)]
    kernels = [_r(U, 4 * U, scale=0.5, seed=seed + k, dtype=dtype) for k in (5, 6)]
    return [xw_f, xw_b, *states, *kernels]


def _separate(xf, xb, hf, cf, hb, cb, uf, ub, masks, rms, acts):
    """The two directions as two single-direction ops, stacked like the fused op."""
    a = rnn.lstm_sequence_time_major(xf, hf, cf, uf, masks[0], rms[0], *acts)
    b = rnn.lstm_sequence_time_major(xb, hb, cb, ub, masks[1], rms[1], *acts)
    return ops.stack([a, b], axis=2)


def _fused(xf, xb, hf, cf, hb, cb, uf, ub, masks, rms, acts):
    masks = None if masks[0] is None else masks
    rms = None if rms[0] is None else rms
    return rnn.lstm_bidirectional_time_major(
        (xf, xb), (hf, hb), (cf, cb), (uf, ub), masks, rms, *acts
    )


ACTS = [("tanh", "sigmoid"), ("relu", "hard_sigmoid")]


@pytest.mark.parametrize("acts", ACTS)
@pytest.mark.parametrize("masked", [False, True])
def test_fused_equals_two_single_direction_ops_bitwise(acts, masked):
    arrays = _inputs(np.float32)
    masks = (MASK, MASK[:, ::-1]) if masked else (None, None)
    rms = (_r(B, U, dtype=np.float32) + 1.5, _r(B, U, seed=1, dtype=np.float32) + 1.5)
    seed = _r(2, T, 2, B, U, seed=9, dtype=np.float32)
    results = []
    for fn in (_fused, _separate):
        with GradientTape() as tape:
            vs = [Variable(a, dtype="float32") for a in arrays]
            out = fn(*vs, masks, rms, acts)
            loss = ops.sum(ops.multiply(out, seed))
        results.append([ops.convert_to_numpy(out), *tape.gradient(loss, vs)])
    assert results[0][0].shape == (2, T, 2, B, U)
    for got, expected in zip(*results):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("acts", ACTS)
def test_fused_op_gradient_float64(acts):
    masks = (MASK, MASK[:, ::-1])
    rms = (_r(B, U) + 1.5, _r(B, U, seed=1) + 1.5)

    def fn(*args):
        return _fused(*args, masks, rms, acts)

    gradient_check(fn, [np.asarray(a) for a in _inputs(np.float64)], rtol=1e-5, atol=1e-7)


def test_fused_op_rejects_directions_of_different_shapes():
    xf, xb, hf, cf, hb, cb, uf, ub = _inputs(np.float32)
    with pytest.raises(ValueError, match="same `h0` shape"):
        rnn.lstm_bidirectional_time_major((xf, xb), (hf, hb[:2]), (cf, cb), (uf, ub))
    with pytest.raises(ValueError, match="one dtype"):
        rnn.lstm_bidirectional_time_major((xf, xb), (hf, hb), (cf, cb), (uf, ub.astype(np.float64)))


# ----------------------------------------------------------------------------- layer


def _count_fused(monkeypatch):
    calls = []
    real = rnn.lstm_bidirectional_time_major

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rnn, "lstm_bidirectional_time_major", counting)
    return calls


def _train(layer_kwargs, wrapper_kwargs, fused, monkeypatch):
    """Weights, history and predictions of a small two-Bidirectional net after `fit`."""
    if not fused:
        monkeypatch.setattr(Bidirectional, "_fused_lstm", lambda self, s, t: None)
    minikeras.utils.set_random_seed(3)
    inp = L.Input((T, E))
    h = L.Bidirectional(L.LSTM(4, return_sequences=True, **layer_kwargs), **wrapper_kwargs)(inp)
    h = L.Bidirectional(L.LSTM(U, **layer_kwargs), merge_mode="sum")(h)
    model = minikeras.Model(inp, L.Dense(1)(h))
    model.compile(optimizer="adam", loss="mse")
    x, y = _r(8, T, E, dtype=np.float32), _r(8, 1, seed=4, dtype=np.float32)
    hist = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    out = [*model.get_weights(), np.array(hist.history["loss"]), model.predict(x, verbose=0)]
    monkeypatch.undo()
    return out


@pytest.mark.parametrize(
    "layer_kwargs, wrapper_kwargs",
    [
        ({}, {}),
        ({"dropout": 0.2, "recurrent_dropout": 0.3}, {"merge_mode": "ave"}),
        ({"activation": "relu", "recurrent_activation": "hard_sigmoid"}, {"merge_mode": "mul"}),
    ],
)
def test_layer_fused_path_trains_bitwise_like_the_layers_own_calls(
    layer_kwargs, wrapper_kwargs, monkeypatch
):
    calls = _count_fused(monkeypatch)
    fused = _train(layer_kwargs, wrapper_kwargs, True, monkeypatch)
    assert calls, "the fused op was not used"
    plain = _train(layer_kwargs, wrapper_kwargs, False, monkeypatch)
    assert len(fused) == len(plain)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("merge_mode", [None, "concat"])
def test_layer_fused_path_returns_states_like_the_layers(merge_mode, monkeypatch):
    x = _r(B, T, E, dtype=np.float32)
    layer = L.Bidirectional(
        L.LSTM(U, return_sequences=True, return_state=True), merge_mode=merge_mode
    )
    calls = _count_fused(monkeypatch)
    fused = layer(x)
    assert calls
    monkeypatch.setattr(Bidirectional, "_fused_lstm", lambda self, s, t: None)
    plain = layer(x)
    assert len(fused) == len(plain) == (6 if merge_mode is None else 5)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


@pytest.mark.parametrize(
    "layer, call_kwargs",
    [
        (L.Bidirectional(L.GRU(U)), {}),
        (L.Bidirectional(L.LSTM(U)), {"mask": MASK}),
        (L.Bidirectional(L.LSTM(U, activation="softplus")), {}),
        (L.Bidirectional(L.LSTM(U, activity_regularizer="l2")), {}),
    ],
    ids=["gru", "mask", "unfused_activation", "activity_regularizer"],
)
def test_layer_falls_back_where_the_fused_op_does_not_apply(layer, call_kwargs, monkeypatch):
    calls = _count_fused(monkeypatch)
    out = layer(_r(B, T, E, dtype=np.float32), **call_kwargs)
    assert not calls
    assert np.shape(ops.convert_to_numpy(out)) == (B, 2 * U)
