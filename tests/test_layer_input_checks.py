"""A built layer called on inputs its weights do not fit raises Keras's InputSpec error
(the messages real Keras 3.15 gives for the same calls), not NumPy's matmul or
broadcasting errors, and never broadcasts."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import layers as L


def built(layer, shape):
    layer(np.zeros(shape, "float32"))
    return layer


@pytest.mark.parametrize("make", [lambda: L.LSTM(2), lambda: L.GRU(2), lambda: L.SimpleRNN(2)])
def test_recurrent_layers_check_the_feature_axis(make):
    layer = built(make(), (8, 5, 4))
    with pytest.raises(
        ValueError,
        match=r"incompatible with the layer: expected axis -1 of input shape to have value 4, "
        r"but received input with shape \(8, 5, 3\)",
    ):
        layer(np.zeros((8, 5, 3), "float32"))
    assert layer(np.zeros((2, 7, 4), "float32")).shape == (2, 2)


def test_layer_normalization_checks_its_normalized_axes():
    layer = built(L.LayerNormalization(), (8, 4))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 4"):
        layer(np.zeros((8, 5), "float32"))
    assert layer(np.ones((3, 2, 4), "float32")).shape == (3, 2, 4)  # leading axes are free
    two = built(L.LayerNormalization(axis=[1, 2]), (8, 2, 4))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 2"):
        two(np.zeros((8, 3, 4), "float32"))


def test_batch_normalization_keeps_the_rank_it_was_built_for():
    """Keras 3's InputSpec(ndim=...): a layer built on (batch, 4) refuses (batch, 2, 4),
    whose statistics would run over another set of axes."""
    layer = built(L.BatchNormalization(), (8, 4))
    with pytest.raises(ValueError, match=r"expected ndim=2, found ndim=3"):
        layer(np.zeros((8, 2, 4), "float32"))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 4"):
        layer(np.zeros((8, 5), "float32"))


def test_dense_message_is_unchanged():
    layer = built(L.Dense(2), (8, 4))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 4"):
        layer(np.zeros((8, 5), "float32"))


def test_batch_normalization_of_integer_inputs_gives_floats():
    """Keras returns float32 (NumPy alone promotes int32 with float32 statistics to float64;
    ops promote the Keras way)."""
    ints = (np.arange(6).reshape(2, 3) % 5).astype("int32")
    for training in (False, True):
        got = np.asarray(L.BatchNormalization()(ints, training=training))
        assert got.dtype == np.float32
        expected = np.asarray(L.BatchNormalization()(ints.astype("float32"), training=training))
        np.testing.assert_allclose(got, expected, rtol=1e-6)
