"""Merging layers, Lambda, noise/dropout layers, activation layers: masks, errors, configs."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers as L
from minikeras import ops
from minikeras.saving.object_registration import register_keras_serializable


def _np(x):
    return ops.convert_to_numpy(x)


def test_functional_aliases_match_layers():
    a = np.array([[1.0, 5.0]], "float32")
    b = np.array([[3.0, 2.0]], "float32")
    np.testing.assert_allclose(_np(L.add([a, b])), [[4, 7]])
    np.testing.assert_allclose(_np(L.subtract([a, b])), [[-2, 3]])
    np.testing.assert_allclose(_np(L.multiply([a, b])), [[3, 10]])
    np.testing.assert_allclose(_np(L.average([a, b])), [[2, 3.5]])
    np.testing.assert_allclose(_np(L.maximum([a, b])), [[3, 5]])
    np.testing.assert_allclose(_np(L.minimum([a, b])), [[1, 2]])
    np.testing.assert_allclose(_np(L.concatenate([a, b])), [[1, 5, 3, 2]])
    np.testing.assert_allclose(_np(L.dot([a, b], axes=1)), [[13]])


def test_merge_broadcasts_lower_rank_inputs_after_batch_axis():
    x = keras.Input((3, 4))
    y = keras.Input((4,))
    out = L.Add()([x, y])
    assert out.shape == (None, 3, 4)


def test_merge_errors():
    with pytest.raises(ValueError, match="list of inputs"):
        L.Add()(keras.Input((3,)))
    with pytest.raises(ValueError, match="incompatible shapes"):
        L.Add()([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([keras.Input((3,))] * 3)
    with pytest.raises(ValueError, match="matching shapes except for the concat"):
        L.Concatenate(axis=1)([keras.Input((3, 4)), keras.Input((2, 5))])
    with pytest.raises(ValueError, match="Incompatible input shapes for a `Dot`"):
        L.Dot(axes=1)([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match="Invalid format for argument `axes`"):
        L.Dot(axes=(1, 2, 3))


@pytest.mark.parametrize("name", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
def test_merge_refuses_batches_of_different_sizes(name):
    """As Keras 3: a batch of 1 is not broadcast against a batch of 8 (NumPy would),
    whether the layer is built on the call, already built, or called on symbolic inputs."""
    x8, x1 = np.ones((8, 3), "float32"), np.full((1, 3), 2.0, "float32")
    with pytest.raises(ValueError, match=r"different batch sizes.*\(8, 3\), \(1, 3\)"):
        getattr(L, name)()([x8, x1])
    layer = getattr(L, name)()
    layer([x8, x8])
    with pytest.raises(ValueError, match="different batch sizes"):
        layer([x8, x1])
    with pytest.raises(ValueError, match="different batch sizes"):
        getattr(L, name)()([keras.Input(batch_shape=(8, 3)), keras.Input(batch_shape=(4, 3))])
    symbolic = getattr(L, name)()([keras.Input((3,)), keras.Input(batch_shape=(4, 3))])
    assert tuple(symbolic.shape) == (4, 3)


def test_concatenate_refuses_batches_of_different_sizes():
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        L.Concatenate()([keras.Input(batch_shape=(8, 3)), keras.Input(batch_shape=(1, 3))])
    joined = L.Concatenate(axis=0)(
        [keras.Input(batch_shape=(8, 3)), keras.Input(batch_shape=(1, 3))]
    )
    assert tuple(joined.shape) == (9, 3)


def test_merge_masks():
    tokens = np.array([[1, 2, 0], [0, 3, 4]], "int32")
    x = keras.Input((3,), dtype="int32")
    e1 = L.Embedding(5, 2, mask_zero=True)(x)
    e2 = L.Embedding(5, 2)(x)
    add = L.Add()
    cat = L.Concatenate(axis=1)
    m1 = e1._keras_history[0].compute_mask(tokens)
    np.testing.assert_array_equal(add.compute_mask([None, None], [m1, None]), m1)
    np.testing.assert_array_equal(
        cat.compute_mask([np.zeros((2, 3, 2)), np.zeros((2, 3, 2))], [m1, None]),
        np.concatenate([m1, np.ones_like(m1)], axis=1),
    )
    # A masked sum feeding an LSTM is equivalent to trimming the padded steps.
    model = keras.Model(x, L.LSTM(3)(L.Add()([e1, e2])))
    np.testing.assert_allclose(
        _np(model(tokens[:1]))[0], _np(model(tokens[:1, :2]))[0], rtol=1e-5, atol=1e-6
    )


@register_keras_serializable(package="rnnmerge_test")
def _scaled(x, factor=1.0):
    return x * factor


def test_lambda_arguments_shapes_and_config_by_name():
    layer = L.Lambda(_scaled, arguments={"factor": 3.0})
    x = keras.Input((2, 3))
    assert layer(x).shape == (None, 2, 3)
    np.testing.assert_allclose(_np(layer(np.ones((1, 2, 3), "float32"))), 3 * np.ones((1, 2, 3)))
    cfg = layer.get_config()
    assert cfg["function"]["config"] == "rnnmerge_test>_scaled"
    clone = L.Lambda.from_config(cfg)
    assert clone.function is _scaled and clone.arguments == {"factor": 3.0}
    square = L.Lambda.from_config(
        {
            "name": "sq",
            "function": {
                "module": "builtins",
                "class_name": "function",
                "config": "square",
                "registered_name": "function",
            },
        }
    )
    np.testing.assert_allclose(_np(square(np.array([[2.0]], "float32"))), [[4.0]])
    assert L.Lambda(lambda t: t[:, :1], output_shape=(1,)).compute_output_shape((None, 5)) == (
        None,
        1,
    )


def test_lambda_refuses_bytecode_and_unknown_names():
    keras3 = {
        "name": "lam",
        "function": {
            "class_name": "__lambda__",
            "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None},
        },
    }
    with pytest.raises(ValueError, match="never executes code read from a file"):
        L.Lambda.from_config(keras3)
    keras2 = {
        "name": "lam",
        "function": ["4wEAAAAAAAAA\n", None, None],
        "function_type": "lambda",
        "module": "__main__",
        "arguments": {},
    }
    with pytest.raises(ValueError, match="marshalled bytecode"):
        L.Lambda.from_config(keras2)
    with pytest.raises(ValueError, match="Could not locate function 'nope'"):
        L.Lambda.from_config({"function": "nope", "function_type": "raw"})
    with pytest.raises(ValueError, match="Python `lambda`"):
        L.Lambda(lambda t: t).get_config()


def test_noise_layers_are_identity_at_inference_and_random_in_training():
    x = np.ones((4, 6, 5), "float32")
    for layer in (
        L.SpatialDropout1D(0.5, seed=1),
        L.GaussianNoise(0.3, seed=1),
        L.GaussianDropout(0.3, seed=1),
        L.AlphaDropout(0.3, seed=1),
    ):
        np.testing.assert_array_equal(_np(layer(x)), x)
        assert not np.allclose(_np(layer(x, training=True)), x), type(layer).__name__
    y = _np(L.SpatialDropout1D(0.5, seed=3)(x, training=True))
    # Whole channels are dropped: each (sample, channel) is constant over time.
    assert np.all(y.std(axis=1) == 0) and set(np.unique(y)) <= {0.0, 2.0}
    y2 = _np(L.SpatialDropout2D(0.5, seed=3)(np.ones((2, 3, 3, 4), "float32"), training=True))
    assert np.all(y2.std(axis=(1, 2)) == 0)


def test_activity_regularization_adds_loss():
    layer = L.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(np.array([[1.0, -2.0]], "float32"))
    np.testing.assert_allclose(_np(out), [[1.0, -2.0]])
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(_np(layer.losses[0])), 0.1 * 3 + 0.01 * 5, rtol=1e-5)


def test_activation_layers_hand_computed():
    x = np.array([[-2.0, -0.5, 0.5, 3.0]], "float32")
    np.testing.assert_allclose(_np(L.ThresholdedReLU(1.0)(x)), [[0, 0, 0, 3.0]])
    np.testing.assert_allclose(_np(L.ReLU(max_value=2.0)(x)), [[0, 0, 0.5, 2.0]])
    np.testing.assert_allclose(_np(L.LeakyReLU()(x)), [[-0.6, -0.15, 0.5, 3.0]], rtol=1e-6)
    masked = L.Softmax()(x, mask=np.array([[True, False, True, False]]))
    np.testing.assert_allclose(_np(masked)[0, [1, 3]], 0.0, atol=1e-7)
    with pytest.warns(DeprecationWarning, match="alpha"):
        assert L.LeakyReLU(alpha=0.2).negative_slope == 0.2


CONFIG_LAYERS = [
    lambda: L.LSTM(
        4,
        return_sequences=True,
        go_backwards=True,
        dropout=0.1,
        recurrent_activation="hard_sigmoid",
    ),
    lambda: L.GRU(3, reset_after=False, return_state=True, stateful=False),
    lambda: L.SimpleRNN(2, activation="relu", unroll=True),
    lambda: L.RNN(L.LSTMCell(3), return_sequences=True),
    lambda: L.RNN([L.GRUCell(3), L.SimpleRNNCell(2)]),
    lambda: L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum"),
    lambda: L.TimeDistributed(L.Dense(2)),
    lambda: L.ConvLSTM2D(4, (3, 2), strides=2, padding="same", return_sequences=True),
    lambda: L.Embedding(10, 3, mask_zero=True),
    lambda: L.Masking(-1.0),
    lambda: L.Concatenate(axis=1),
    lambda: L.Dot(axes=[1, 2], normalize=True),
    lambda: L.Add(),
    lambda: L.Subtract(),
    lambda: L.Multiply(),
    lambda: L.Average(),
    lambda: L.Maximum(),
    lambda: L.Minimum(),
    lambda: L.RepeatVector(3),
    lambda: L.Permute((2, 1)),
    lambda: L.SpatialDropout1D(0.2),
    lambda: L.SpatialDropout2D(0.2),
    lambda: L.SpatialDropout3D(0.2),
    lambda: L.GaussianNoise(0.1),
    lambda: L.GaussianDropout(0.2),
    lambda: L.AlphaDropout(0.1),
    lambda: L.ActivityRegularization(0.1, 0.2),
    lambda: L.LeakyReLU(0.2),
    lambda: L.PReLU(shared_axes=[1]),
    lambda: L.ELU(0.5),
    lambda: L.ReLU(6.0),
    lambda: L.Softmax(axis=1),
    lambda: L.ThresholdedReLU(0.5),
    lambda: L.Identity(),
    lambda: L.Lambda(_scaled, arguments={"factor": 2.0}),
]


@pytest.mark.parametrize("make", CONFIG_LAYERS)
def test_config_round_trip(make):
    layer = make()
    cfg = layer.get_config()
    clone = L.deserialize(L.serialize(layer))
    assert type(clone) is type(layer)
    assert clone.get_config() == cfg


def test_rnn_config_matches_keras3_keys_and_loads_keras_dtype_policy():
    cfg = L.LSTM(3).get_config()
    keras_keys = {
        "name",
        "trainable",
        "dtype",
        "return_sequences",
        "return_state",
        "go_backwards",
        "stateful",
        "unroll",
        "zero_output_for_mask",
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "unit_forget_bias",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "seed",
    }
    assert keras_keys <= set(cfg)
    cfg["dtype"] = {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "float32"},
        "registered_name": None,
    }
    assert L.LSTM.from_config(cfg).units == 3
    bidi = L.Bidirectional(L.LSTM(2))
    assert bidi.get_config()["layer"]["config"]["name"].startswith("forward_")
    assert (
        L.Bidirectional.from_config(bidi.get_config()).forward_layer.name == bidi.forward_layer.name
    )


def test_softmax_fully_masked_row_is_zero_and_gradient_flows():
    from minikeras.testing.gradient_check import gradient_check

    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = np.array([[True, True, False], [False, False, False]])
    out = _np(L.Softmax()(x.astype("float32"), mask=mask))
    np.testing.assert_allclose(out[1], 0.0)
    np.testing.assert_allclose(out[0, :2], np.exp([1, 2]) / np.exp([1, 2]).sum(), rtol=1e-6)
    layer = L.Softmax(dtype="float64")
    gradient_check(lambda t: layer(t, mask=mask), [x])
