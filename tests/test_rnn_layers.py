"""Behaviour of the recurrent layers: masking, states, stacking, dropout, training, errors."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers as L
from minikeras import ops
from minikeras.backend.autodiff import GradientTape


def _np(x):
    return ops.convert_to_numpy(x)


def _tokens():
    return np.array([[3, 1, 4, 0, 0], [0, 0, 2, 7, 5], [6, 2, 9, 8, 1]], dtype="int32")


@pytest.mark.parametrize("cls", [L.LSTM, L.GRU, L.SimpleRNN])
def test_embedding_mask_equals_trimmed_sequences(cls):
    """Embedding(mask_zero) → RNN gives, per sample, the RNN of the unpadded tokens."""
    model = keras.Sequential(
        [keras.Input((None,), dtype="int32"), L.Embedding(10, 4, mask_zero=True), cls(5)]
    )
    tokens = _tokens()
    full = _np(model(tokens))
    for row, out in zip(tokens, full):
        trimmed = row[row != 0][None, :]
        np.testing.assert_allclose(_np(model(trimmed))[0], out, rtol=1e-5, atol=1e-6)


def test_masking_layer_equals_trimmed_sequences_backwards():
    x = np.random.default_rng(0).standard_normal((2, 6, 3)).astype("float32")
    x[0, 4:] = 0.0
    inp = keras.Input((None, 3))
    out = L.LSTM(4, go_backwards=True)(L.Masking(0.0)(inp))
    model = keras.Model(inp, out)
    np.testing.assert_allclose(_np(model(x[:1]))[0], _np(model(x[:1, :4]))[0], rtol=1e-5, atol=1e-6)


def test_return_sequences_mask_reaches_next_rnn():
    emb = L.Embedding(10, 3, mask_zero=True)
    model = keras.Sequential(
        [keras.Input((5,), dtype="int32"), emb, L.GRU(4, return_sequences=True), L.LSTM(2)]
    )
    tokens = _tokens()
    full = _np(model(tokens))
    row = tokens[0][tokens[0] != 0][None, :]
    np.testing.assert_allclose(_np(model(row))[0], full[0], rtol=1e-5, atol=1e-6)
    assert L.LSTM(2, return_sequences=True).compute_mask(None, np.ones((1, 3), bool)).shape


def test_return_state_and_initial_state():
    lstm = L.LSTM(3, return_sequences=True, return_state=True)
    x = np.random.default_rng(1).standard_normal((2, 4, 5)).astype("float32")
    seq, h, c = lstm(x)
    assert _np(seq).shape == (2, 4, 3) and _np(h).shape == (2, 3) and _np(c).shape == (2, 3)
    np.testing.assert_allclose(_np(seq)[:, -1], _np(h))
    # Continuing from the returned states equals running the whole sequence.
    lstm2 = L.LSTM(3, return_sequences=True)
    lstm2.build((None, 4, 5))
    lstm2.set_weights(lstm.get_weights())
    first = _np(lstm(x[:, :2])[0])
    _, h2, c2 = lstm(x[:, :2])
    rest = _np(lstm2(x[:, 2:], initial_state=[h2, c2]))
    np.testing.assert_allclose(np.concatenate([first, rest], 1), _np(seq), rtol=1e-5, atol=1e-6)


def test_stateful_carries_states_and_resets():
    layer = L.SimpleRNN(3, stateful=True, return_sequences=True)
    model = keras.Sequential([keras.Input(batch_shape=(2, None, 4)), layer])
    x = np.random.default_rng(2).standard_normal((2, 6, 4)).astype("float32")
    whole = _np(model(x))
    layer.reset_states()
    parts = np.concatenate([_np(model(x[:, :3])), _np(model(x[:, 3:]))], axis=1)
    np.testing.assert_allclose(parts, whole, rtol=1e-5, atol=1e-6)
    layer.reset_states()
    np.testing.assert_allclose(_np(model(x)), whole, rtol=1e-6)
    with pytest.raises(ValueError, match="needs to know its batch size"):
        keras.Sequential([keras.Input((None, 4)), L.LSTM(2, stateful=True)])


def _step_cell(cls):
    """Same maths, but overriding `call` forces the generic step-by-step loop."""

    class StepCell(cls):
        def call(self, inputs, states, training=False):
            return super().call(inputs, states, training=training)

    return StepCell


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize(
    "layer_cls,cell_cls,kwargs",
    [
        (L.LSTM, L.LSTMCell, {}),
        (L.GRU, L.GRUCell, {}),
        (L.GRU, L.GRUCell, {"reset_after": False}),
        (L.SimpleRNN, L.SimpleRNNCell, {"activation": "relu"}),
    ],
)
def test_step_loop_equals_fused_path(go_backwards, layer_cls, cell_cls, kwargs):
    x = np.random.default_rng(3).standard_normal((3, 5, 2)).astype("float32")
    mask = _tokens() != 0
    fused = layer_cls(4, return_sequences=True, go_backwards=go_backwards, **kwargs)
    step = L.RNN(
        _step_cell(cell_cls)(4, **kwargs), return_sequences=True, go_backwards=go_backwards
    )
    fused.build(x.shape)
    step.build(x.shape)
    step.set_weights(fused.get_weights())
    results = []
    for layer in (fused, step):
        with GradientTape() as tape:
            y = layer(x, mask=mask)
            loss = ops.sum(ops.square(y))
        results.append((_np(y), tape.gradient(loss, layer.trainable_weights)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5, atol=1e-6)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_stacked_cells_equal_stacked_layers():
    x = np.random.default_rng(4).standard_normal((2, 5, 3)).astype("float32")
    stacked = L.RNN([L.GRUCell(4), L.LSTMCell(2)], return_state=True)
    out, s1, h2, c2 = stacked(x)
    g = L.GRU(4, return_sequences=True)
    lstm = L.LSTM(2)
    g.build(x.shape)
    lstm.build((2, 5, 4))
    g.set_weights(stacked.get_weights()[:3])
    lstm.set_weights(stacked.get_weights()[3:])
    np.testing.assert_allclose(_np(out), _np(lstm(g(x))), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(h2), _np(out))


def test_dropout_only_in_training():
    layer = L.LSTM(8, dropout=0.5, recurrent_dropout=0.5, seed=1)
    x = np.ones((4, 5, 3), "float32")
    a, b = _np(layer(x)), _np(layer(x))
    np.testing.assert_array_equal(a, b)
    c = _np(layer(x, training=True))
    assert not np.allclose(a, c)
    with GradientTape() as tape:
        loss = ops.sum(layer(x, training=True))
    assert all(np.isfinite(g).all() for g in tape.gradient(loss, layer.trainable_weights))


def test_tiny_lstm_sequence_task_trains():
    """Classify whether the first element of a sequence was positive (needs memory)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8, 1)).astype("float32")
    y = (x[:, 0, 0] > 0).astype("float32")[:, None]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 1)), L.LSTM(8), L.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"]
    )
    hist = model.fit(x, y, epochs=25, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert hist.history["accuracy"][-1] > 0.9


def test_bidirectional_and_time_distributed_shapes_and_params():
    model = keras.Sequential(
        [
            keras.Input((7, 16)),
            L.Bidirectional(L.LSTM(64, return_sequences=True)),
            L.TimeDistributed(L.Dense(5)),
            L.GRU(8),
        ]
    )
    assert model.output_shape == (None, 8)
    # Keras: 2 * 4 * (64 * (16 + 64) + 64); 5 * 128 + 5; GRU 3 * (8 * (5 + 8) + 2 * 8).
    assert [lay.count_params() for lay in model.layers] == [41472, 645, 360]
    assert L.GRU(8, reset_after=False).cell.gates == 3
    g = L.GRU(8, reset_after=False)
    g.build((None, 3, 5))
    assert [w.shape for w in g.weights] == [(5, 24), (8, 24), (24,)]


def test_bad_ranks_give_clear_errors():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        L.LSTM(3)(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        keras.Sequential([keras.Input((5,)), L.GRU(3)])
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        L.TimeDistributed(L.Dense(2))(keras.Input((4,)))
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        L.RepeatVector(3)(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="invalid value for argument `units`"):
        L.LSTM(0)
    with pytest.raises(ValueError, match="expects 2 initial state"):
        L.LSTM(3)(np.zeros((1, 2, 3), "float32"), initial_state=[np.zeros((1, 3), "float32")])
    with pytest.raises(ValueError, match="Bidirectional"):
        L.Bidirectional(L.Dense(3))
    with pytest.raises(ValueError, match="Invalid merge mode"):
        L.Bidirectional(L.LSTM(3), merge_mode="max")


def test_legacy_keras1_arguments():
    with pytest.warns(DeprecationWarning, match="output_dim"):
        layer = L.LSTM(output_dim=4, input_dim=3, input_length=6)
    model = keras.Sequential([layer])
    assert model.output_shape == (None, 4)
    assert model.layers[0].input_shape == (None, 6, 3)
    with pytest.warns(DeprecationWarning):
        emb = L.Embedding(100, 8, input_length=10)
    assert keras.Sequential([emb]).output_shape == (None, 10, 8)


class MinimalRNNCell(keras.layers.Layer):
    """The custom cell of the Keras `RNN` documentation, unchanged."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="uniform", name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), initializer="uniform", name="recurrent_kernel"
        )
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = keras.ops.matmul(inputs, self.kernel)
        output = h + keras.ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]


def test_keras_docs_custom_cell_single_and_stacked():
    x = keras.Input((None, 5))
    y = L.RNN(MinimalRNNCell(32))(x)
    assert y.shape == (None, 32)
    stacked = L.RNN([MinimalRNNCell(8), MinimalRNNCell(4)])
    data = np.random.default_rng(5).standard_normal((2, 3, 5)).astype("float32")
    out = _np(stacked(data))
    c1, c2 = stacked.cell.cells
    h1 = np.zeros((2, 8), "float32")
    h2 = np.zeros((2, 4), "float32")
    for t in range(3):
        h1 = data[:, t] @ c1.kernel.numpy() + h1 @ c1.recurrent_kernel.numpy()
        h2 = h1 @ c2.kernel.numpy() + h2 @ c2.recurrent_kernel.numpy()
    np.testing.assert_allclose(out, h2, rtol=1e-5, atol=1e-6)


def test_keras1_recurrent_and_embedding_configs():
    with pytest.warns(DeprecationWarning):
        lstm = L.LSTM.from_config(
            {
                "output_dim": 3,
                "init": "glorot_uniform",
                "inner_init": "orthogonal",
                "forget_bias_init": "one",
                "inner_activation": "hard_sigmoid",
                "W_regularizer": None,
                "U_regularizer": None,
                "b_regularizer": None,
                "dropout_W": 0.1,
                "dropout_U": 0.2,
                "consume_less": "gpu",
                "input_dim": 4,
                "input_length": 7,
                "name": "old_lstm",
            }
        )
    assert lstm.units == 3 and lstm.cell.dropout == 0.1 and lstm.cell.recurrent_dropout == 0.2
    assert lstm.get_config()["recurrent_activation"] == "hard_sigmoid"
    assert keras.Sequential([lstm]).output_shape == (None, 3)
    with pytest.warns(DeprecationWarning):
        emb = L.Embedding(input_dim=10, output_dim=2, W_regularizer="l2")
    assert emb.embeddings_regularizer is not None
    with pytest.raises(ValueError, match="time_major"):
        L.GRU(2, time_major=True)


def test_masked_bidirectional_text_classifier_trains():
    """Padded token sequences; the label is whether token 7 occurs. Padding must not matter."""
    rng = np.random.default_rng(1)
    n, t = 240, 10
    tokens = rng.integers(1, 12, (n, t)).astype("int32")
    lengths = rng.integers(3, t + 1, n)
    for i, length in enumerate(lengths):
        tokens[i, length:] = 0
    y = np.array([[float(7 in row[row != 0])] for row in tokens], "float32")
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input((t,), dtype="int32"),
            L.Embedding(12, 8, mask_zero=True),
            L.Bidirectional(L.GRU(8)),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"]
    )
    hist = model.fit(tokens, y, epochs=20, batch_size=32, verbose=0)
    assert hist.history["accuracy"][-1] > 0.9
    # Extra padding leaves predictions unchanged.
    padded = np.concatenate([tokens[:5], np.zeros((5, 4), "int32")], axis=1)
    bigger = keras.Sequential([keras.Input((t + 4,), dtype="int32"), *model.layers])
    np.testing.assert_allclose(_np(bigger(padded)), _np(model(tokens[:5])), rtol=1e-5, atol=1e-6)


def test_conv_lstm2d_shapes_params_errors_and_training():
    model = keras.Sequential(
        [
            keras.Input((4, 8, 8, 2)),
            L.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
            L.ConvLSTM2D(2, 3, strides=2),
        ]
    )
    assert model.output_shape == (None, 3, 3, 2)  # valid, stride 2: (8 - 3) // 2 + 1
    # Keras: 3*3*2*12 + 3*3*3*12 + 12 and 3*3*3*8 + 3*3*2*8 + 8.
    assert [lay.count_params() for lay in model.layers] == [552, 368]
    with pytest.raises(ValueError, match=r"expected ndim=5, found ndim=4.*\(batch, time, rows"):
        L.ConvLSTM2D(2, 3)(keras.Input((4, 8, 2)))
    with pytest.raises(ValueError, match="channels_last' only"):
        L.ConvLSTM2D(2, 3, data_format="channels_first")
    x = np.random.default_rng(0).standard_normal((8, 4, 8, 8, 2)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    hist = model.fit(x, np.zeros((8, 3, 3, 2), "float32"), epochs=3, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    stateful = L.ConvLSTM2D(2, 3, padding="same", stateful=True)
    keras.Sequential([keras.Input(batch_shape=(2, 3, 5, 5, 1)), stateful])
    assert stateful.states[0].shape == (2, 5, 5, 2)


def test_bidirectional_initial_state_splits_between_directions():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    states = [rng.standard_normal((2, 2)).astype("float32") for _ in range(4)]
    seq, h1, c1, h2, c2 = (keras.Input(s) for s in [(4, 3), (2,), (2,), (2,), (2,)])
    bidi = L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode="concat")
    model = keras.Model([seq, h1, c1, h2, c2], bidi(seq, initial_state=[h1, c1, h2, c2]))
    out = _np(model([x, *states]))
    fwd = _np(bidi.forward_layer(x, initial_state=states[:2]))
    bwd = _np(bidi.backward_layer(x, initial_state=states[2:]))[:, ::-1]
    np.testing.assert_allclose(out, np.concatenate([fwd, bwd], -1), rtol=1e-6)
    assert not np.allclose(out, _np(bidi(x)))
