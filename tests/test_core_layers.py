"""The core layers: outputs vs hand computation, config round trips, gradient checks."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.testing.gradient_check import gradient_check

R = np.random.default_rng(3)


@pytest.mark.parametrize(
    "activation",
    [
        "linear",
        "relu",
        "tanh",
        "sigmoid",
        "softmax",
        "elu",
        "selu",
        "gelu",
        "swish",
        "softplus",
        "mish",
    ],
)
def test_dense_gradients_wrt_input_kernel_and_bias(activation):
    layer = layers.Dense(3, activation=activation, dtype="float64")  # float64: exact FD
    x = R.uniform(-1, 1, size=(4, 5))
    layer.build((None, 5))
    gradient_check(
        lambda xv, kv, bv: ops.dense(xv, kv, bv, layer.activation),
        [x, R.normal(size=(5, 3)), R.normal(size=(3,))],
    )
    # The layer's call is that same fused op on its own weights.
    expected = layer.activation(x @ layer.kernel.numpy() + layer.bias.numpy())
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(expected), rtol=1e-12)


def test_dense_on_rank3_inputs_and_output_shape():
    layer = layers.Dense(4)
    x = R.normal(size=(2, 3, 5)).astype("float32")
    out = np.asarray(layer(x))
    assert out.shape == (2, 3, 4) and layer.compute_output_shape((None, 3, 5)) == (None, 3, 4)
    np.testing.assert_allclose(out, x @ layer.kernel.numpy() + layer.bias.numpy(), rtol=1e-5)
    kernel = layer.kernel.numpy().astype("float64")
    gradient_check(lambda v: ops.dense(v, kernel), [R.normal(size=(2, 3, 5))])


def test_flatten_reshape_dropout_gradients():
    # float64 layers: a float32 layer would (correctly) cast the float64 probes to float32.
    gradient_check(
        lambda v: ops.multiply(layers.Flatten(dtype="float64")(v), np.arange(12.0)),
        [R.normal(size=(2, 3, 4))],
    )
    gradient_check(
        lambda v: layers.Reshape((-1, 2), dtype="float64")(v), [R.normal(size=(2, 3, 4))]
    )
    drop = layers.Dropout(0.5, seed=1, dtype="float64")

    def dropped(v):
        drop._rng = np.random.default_rng(5)  # the same mask on every evaluation
        return drop(v, training=True)

    x = R.normal(size=(6, 5))
    gradient_check(dropped, [x])
    out = np.asarray(dropped(x))
    kept = out != 0
    np.testing.assert_allclose(out[kept], 2 * x[kept])
    assert 0 < kept.mean() < 1


def test_dropout_inference_identity_rate_one_and_rate_errors():
    x = np.ones((3, 4), dtype="float32")
    np.testing.assert_array_equal(layers.Dropout(0.5)(x), x)
    np.testing.assert_array_equal(layers.Dropout(1.0)(x, training=True), np.zeros_like(x))
    with pytest.raises(ValueError, match="Received: rate=1.5"):
        layers.Dropout(1.5)


def test_dropout_is_active_only_in_fit():
    keras.utils.set_random_seed(0)
    m = keras.Sequential(
        [
            layers.Dropout(0.9, input_shape=(50,)),
            layers.Dense(1, kernel_initializer="ones", use_bias=False),
        ]
    )
    x = np.ones((8, 50), dtype="float32")
    np.testing.assert_allclose(m.predict(x, verbose=0), 50.0)
    m.compile("sgd", "mse")
    assert m.test_on_batch(x, np.full((8, 1), 50.0)) == pytest.approx(0.0, abs=1e-6)
    with keras.GradientTape() as tape:
        y = m(x, training=True)
    assert not np.allclose(np.asarray(y), 50.0)
    assert tape.gradient(ops.sum(y), m.trainable_weights)[0] is not None


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.Dense(
            3, activation="relu", use_bias=False, kernel_initializer="he_normal", name="d"
        ),
        lambda: layers.Activation("softplus"),
        lambda: layers.Dropout(0.25, noise_shape=[None, 1], seed=3),
        lambda: layers.Flatten(),
        lambda: layers.Reshape((2, -1)),
    ],
)
def test_config_round_trip(make):
    layer = make()
    cfg = layer.get_config()
    clone = type(layer).from_config(cfg)
    assert clone.get_config() == cfg


def test_dense_input_dim_input_shape_batch_input_shape():
    for kwargs in ({"input_dim": 4}, {"input_shape": (4,)}, {"batch_input_shape": (None, 4)}):
        m = keras.Sequential([layers.Dense(2, **kwargs)])
        assert m.built and m.input_shape == (None, 4) and m.count_params() == 10
    m = keras.Sequential([layers.Dense(2, batch_input_shape=(8, 4))])
    assert m.input_shape == (8, 4)


def test_auto_names_count_per_class():
    names = [
        layers.Dense(1).name,
        layers.Dense(1).name,
        layers.Activation("relu").name,
        layers.Activation("relu").name,
        layers.Dropout(0.1).name,
    ]
    assert names == ["dense", "dense_1", "activation", "activation_1", "dropout"]
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        layers.Dense(1, name="a/b")


def test_layers_autocast_float_inputs_to_their_dtype():
    x64 = np.ones((2, 3))
    for layer in (
        layers.Activation("relu"),
        layers.Dropout(0.5),
        layers.Flatten(),
        layers.Reshape((3, 1)),
        layers.Dense(2),
    ):
        assert np.asarray(layer(x64)).dtype == np.float32, layer.name
    assert (
        np.asarray(layers.Activation("relu", dtype="float64")(x64.astype("float32"))).dtype
        == np.float64
    )
    ints = np.arange(6).reshape(2, 3)
    assert np.asarray(layers.Flatten()(ints)).dtype.kind == "i"  # integers are left alone
    m = keras.Sequential([layers.Activation("tanh", input_shape=(3,))])
    assert np.asarray(m(x64)).dtype == np.float32


def test_gradient_check_keeps_float64_through_float32_layers():
    """Autocasting is off inside gradient_check, so default-dtype layers can be checked."""
    gradient_check(lambda v: layers.Activation("tanh")(v), [R.normal(size=(3, 4))])
    gradient_check(lambda v: layers.Flatten()(v), [R.normal(size=(2, 2, 3))])


def test_autocast_false_keeps_the_input_dtype():
    x64 = np.ones((2, 3))
    assert np.asarray(layers.Activation("relu", autocast=False)(x64)).dtype == np.float64
    assert np.asarray(layers.Activation("relu")(x64)).dtype == np.float32


def test_repeat_vector_refuses_a_count_below_one():
    with pytest.raises(ValueError, match="`n` should be a positive integer. Received: n=0"):
        layers.RepeatVector(0)


def test_dense_on_rank_one_inputs_gives_keras_min_ndim_error():
    """As Keras 3 (it said the last dimension 'should be defined', which is not the issue)."""
    model = keras.Sequential([layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"expected min_ndim=2, found ndim=1"):
        model.fit(np.ones(8), np.ones(8), verbose=0)
