"""Stateful RNNs: state carried across calls and batches, `reset_states` on layers and models."""

import numpy as np
import pytest

import minikeras as keras


def _stateful_model(layer_cls=keras.layers.LSTM, bidirectional=False):
    keras.utils.set_random_seed(0)
    rnn = layer_cls(3, stateful=True, return_sequences=True)
    if bidirectional:
        rnn = keras.layers.Bidirectional(rnn)
    return keras.Sequential([keras.layers.Input((None, 2), batch_size=2), rnn])


def _stateless_copy(model, layer_cls=keras.layers.LSTM, bidirectional=False):
    rnn = layer_cls(3, return_sequences=True)
    if bidirectional:
        rnn = keras.layers.Bidirectional(rnn)
    twin = keras.Sequential([keras.layers.Input((None, 2)), rnn])
    twin.set_weights(model.get_weights())
    return twin


@pytest.mark.parametrize("layer_cls", [keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN])
def test_state_carries_over_so_two_halves_equal_the_whole_sequence(layer_cls):
    model = _stateful_model(layer_cls)
    x = np.random.default_rng(1).normal(size=(2, 6, 2)).astype("float32")
    whole = _stateless_copy(model, layer_cls).predict(x, verbose=0)
    first = model.predict(x[:, :3], batch_size=2, verbose=0)
    second = model.predict(x[:, 3:], batch_size=2, verbose=0)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=1e-5, atol=1e-6)
    model.reset_states()  # back to zero states: the first half again gives `first`
    np.testing.assert_allclose(model.predict(x[:, :3], batch_size=2, verbose=0), first, rtol=1e-6)


def test_model_reset_states_reaches_nested_models_and_bidirectional_layers():
    inner = _stateful_model(bidirectional=True)
    outer = keras.Sequential([keras.layers.Input((None, 2), batch_size=2), inner])
    assert outer.stateful and inner.stateful
    x = np.ones((2, 4, 2), dtype="float32")
    a = outer.predict(x, batch_size=2, verbose=0)
    b = outer.predict(x, batch_size=2, verbose=0)
    assert not np.allclose(a, b)  # the state moved on
    outer.reset_states()
    np.testing.assert_allclose(outer.predict(x, batch_size=2, verbose=0), a, rtol=1e-6)


def test_fit_carries_state_between_batches_and_a_callback_can_reset_it():
    model = _stateful_model()
    model.compile("sgd", "mse")
    x = np.random.default_rng(2).normal(size=(4, 5, 2)).astype("float32")
    y = np.zeros((4, 5, 3), dtype="float32")
    layer = model.layers[0]

    class ResetEachEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.model.reset_states()
            assert all(not np.any(s) for s in layer.states)

    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0, callbacks=[ResetEachEpoch()])
    assert any(np.any(s) for s in layer.states)  # state left by the last batch


def test_stateless_models_reset_nothing_and_rnn_without_state_refuses():
    model = keras.Sequential([keras.layers.Input((3, 2)), keras.layers.LSTM(2)])
    assert not model.stateful
    model.reset_states()  # nothing to do, no error (as tf.keras)
    with pytest.raises(AttributeError, match="stateful"):
        model.layers[0].reset_states()


def test_stateful_batch_size_mismatch_is_explained():
    model = _stateful_model()
    with pytest.raises(ValueError, match="batch size"):
        model.predict(np.zeros((3, 4, 2), dtype="float32"), batch_size=3, verbose=0)
