"""`keras.backend as K`: the Keras 2 functions tutorials call, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras
from minikeras import backend as K
from minikeras.backend.autodiff import GradientTape
from minikeras.layers import Dense, Dropout, Input
from minikeras.models import Model, Sequential
from minikeras.testing.gradient_check import gradient_check


def test_variables_values_and_shapes():
    v = K.variable([[1, 2], [3, 4]], name="w")
    assert v.dtype == np.float32 and v.name == "w"
    np.testing.assert_array_equal(K.eval(v), [[1, 2], [3, 4]])
    K.set_value(v, np.zeros((2, 2)))
    np.testing.assert_array_equal(K.get_value(v), np.zeros((2, 2)))
    a, b = K.batch_get_value([v, K.variable(3.0)])
    assert a.shape == (2, 2) and float(b) == 3.0
    assert K.int_shape(v) == (2, 2) and K.ndim(v) == 2 and K.dtype(v) == "float32"
    np.testing.assert_array_equal(K.shape(np.ones((3, 5))), [3, 5])
    assert K.int_shape(Input(shape=(7,))) == (None, 7)
    assert K.count_params(v) == 4
    assert K.constant(2).dtype == np.float32
    with pytest.raises(ValueError, match="shape"):
        K.set_value(v, np.zeros(3))


def test_config_functions():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    assert K.image_data_format() == "channels_last" and K.image_dim_ordering() == "tf"
    K.set_floatx("float64")
    try:
        assert K.variable(1.0).dtype == np.float64
    finally:
        K.set_floatx("float32")
    assert K.backend() == "numpy"


def test_set_value_changes_the_optimizer_learning_rate():
    model = Sequential([Input(shape=(2,)), Dense(1)])
    model.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1), loss="mse")
    K.set_value(model.optimizer.lr, 0.01)
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.01)
    with pytest.raises(TypeError, match="variable"):
        K.set_value(3.0, 1.0)


def test_graph_only_functions_explain_the_eager_alternative():
    with pytest.raises(NotImplementedError, match="keras.Input"):
        K.placeholder(shape=(None, 3))
    with pytest.raises(NotImplementedError, match="GradientTape"):
        K.gradients(None, [])


def test_maths_hand_computed():
    x = np.array([[1.0, -2.0], [3.0, 4.0]], dtype="float32")
    np.testing.assert_allclose(K.sum(x, axis=0), [4, 2])
    np.testing.assert_allclose(K.mean(x, axis=-1, keepdims=True), [[-0.5], [3.5]])
    assert K.max(x) == 4 and K.min(x) == -2
    np.testing.assert_allclose(K.sqrt(np.array([4.0, -1.0])), [2.0, 0.0])  # Keras 2 clips at 0
    np.testing.assert_allclose(K.clip(x, 0, 3), [[1, 0], [3, 3]])
    np.testing.assert_allclose(K.abs(x), np.abs(x))
    np.testing.assert_allclose(K.square(x), x * x)
    np.testing.assert_allclose(K.concatenate([x, x]), np.concatenate([x, x], axis=-1))
    assert K.expand_dims(x).shape == (2, 2, 1)
    assert K.squeeze(np.ones((2, 1, 3)), 1).shape == (2, 3)
    np.testing.assert_allclose(K.transpose(x), x.T)
    np.testing.assert_allclose(K.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])
    np.testing.assert_allclose(
        K.relu(np.array([-2.0, 1.0, 5.0]), alpha=0.5, max_value=4.0), [-1.0, 1.0, 4.0]
    )
    np.testing.assert_allclose(K.one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(K.argmax(x), [0, 1])
    assert K.cast(x, "int32").dtype == np.int32
    np.testing.assert_allclose(K.l2_normalize(np.array([[3.0, 4.0]]), axis=-1), [[0.6, 0.8]])
    np.testing.assert_allclose(
        K.binary_crossentropy(np.array([1.0]), np.array([0.5])), [np.log(2.0)], rtol=1e-6
    )
    np.testing.assert_allclose(
        K.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])),
        [np.log(2.0)],
        rtol=1e-6,
    )
    assert isinstance(K.zeros((2, 3)), minikeras.Variable) and K.ones((2,)).value.sum() == 2
    u = K.random_uniform((1000,), minval=2, maxval=3, seed=1)
    assert u.dtype == np.float32 and 2 <= u.min() and u.max() < 3
    n = K.random_normal((4000,), mean=1.0, stddev=2.0, seed=2)
    assert abs(float(n.mean()) - 1.0) < 0.15 and abs(float(n.std()) - 2.0) < 0.15


def test_dot_and_batch_dot_follow_keras2_shapes():
    rng = np.random.default_rng(0)
    x3, w = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(K.dot(x3, w), x3 @ w)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    out = K.batch_dot(a, b, axes=1)
    assert out.shape == (4, 1)
    np.testing.assert_allclose(out[:, 0], np.sum(a * b, axis=1))
    y3 = rng.standard_normal((2, 4, 5))
    np.testing.assert_allclose(K.batch_dot(x3, y3), np.matmul(x3, y3))
    v = rng.standard_normal((2, 4))
    np.testing.assert_allclose(K.batch_dot(x3, v, axes=(2, 1)), np.einsum("bij,bj->bi", x3, v))
    with pytest.raises(ValueError, match="shape"):
        K.batch_dot(a, v, axes=1)


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (lambda a, b: K.batch_dot(a, b, axes=(1, 2)), [(2, 3, 2), (2, 4, 3)]),
        (lambda a, b: K.dot(a, b), [(2, 2, 3), (3, 2)]),
        (lambda a: K.sqrt(K.sum(K.square(a), axis=-1)), [(3, 2)]),
        (lambda a: K.relu(a, alpha=0.3, max_value=1.0), [(5,)]),
        (lambda a: K.l2_normalize(a, axis=0), [(3, 2)]),
    ],
)
def test_k_functions_are_differentiable(fn, shapes):
    rng = np.random.default_rng(3)
    gradient_check(fn, [rng.uniform(-2, 2, s) for s in shapes], rtol=1e-5, atol=1e-7)


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def test_custom_k_loss_trains():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1), loss=rmse)
    hist = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.2 * hist.history["loss"][0]


def test_function_returns_intermediate_outputs_and_honours_learning_phase():
    inp = Input(shape=(4,))
    hidden = Dense(8, activation="relu")(inp)
    dropped = Dropout(0.5)(hidden)
    model = Model(inp, Dense(2)(dropped))
    x = np.ones((3, 4), dtype="float32")
    get_hidden = K.function([model.input], [model.layers[1].output])
    (h,) = get_hidden([x])
    w, b = model.layers[1].get_weights()
    np.testing.assert_allclose(h, np.maximum(x @ w + b, 0), rtol=1e-6)
    get_dropped = K.function([model.input, K.learning_phase()], dropped)
    np.testing.assert_allclose(get_dropped([x, 0]), h, rtol=1e-6)
    train = get_dropped([x, 1])
    assert np.all((train == 0) | np.isclose(train, 2 * h))
    with pytest.raises(TypeError, match="symbolic"):
        K.function([x], [hidden])


def test_clear_session_resets_layer_names():
    Dense(1)
    K.clear_session()
    assert Dense(1).name == "dense"


def test_k_tape_gradient_of_custom_expression():
    v = K.variable(np.array([3.0, 4.0]))
    with GradientTape() as tape:
        loss = K.sqrt(K.sum(K.square(v)))
    np.testing.assert_allclose(tape.gradient(loss, [v])[0], [0.6, 0.8], rtol=1e-6)


def test_custom_layer_with_in_train_phase_and_dropout_trains():
    class NoisyDense(minikeras.layers.Layer):
        """A Keras 2 style custom layer: weights via add_weight, K.* in call."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel"
            )
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs, training=None):
            out = K.bias_add(K.dot(inputs, self.kernel), self.bias)
            return K.in_train_phase(lambda: K.dropout(out, 0.2), out, training=training)

    layer = NoisyDense(4)
    x = np.ones((50, 3), dtype="float32")
    inference = layer(x)
    np.testing.assert_allclose(inference, x @ layer.kernel.value + layer.bias.value)
    train = np.asarray(layer(x, training=True))
    zeros = np.isclose(train, 0)
    assert 0.05 < zeros.mean() < 0.4
    np.testing.assert_allclose(train[~zeros], (np.asarray(inference) / 0.8)[~zeros], rtol=1e-6)
    model = Sequential([Input(shape=(3,)), NoisyDense(8), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(128, 3)).astype("float32")
    ys = xs.sum(axis=1, keepdims=True)
    hist = model.fit(xs, ys, epochs=20, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]


def test_conv_pool_and_batchnorm_match_hand_computation():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 4, 4, 2))
    k = rng.normal(size=(3, 3, 2, 1))
    out = K.conv2d(x, k)
    want = np.array(
        [[np.sum(x[0, i : i + 3, j : j + 3, :] * k[..., 0]) for j in range(2)] for i in range(2)]
    )
    np.testing.assert_allclose(np.asarray(out)[0, :, :, 0], want, rtol=1e-10)
    pooled = K.pool2d(x, (2, 2), strides=(2, 2))
    np.testing.assert_allclose(pooled[0, 1, 0], x[0, 2:4, 0:2].max(axis=(0, 1)))
    avg = K.pool2d(x, (2, 2), strides=(2, 2), pool_mode="avg")
    np.testing.assert_allclose(avg[0, 0, 1], x[0, 0:2, 2:4].mean(axis=(0, 1)))
    with pytest.raises(ValueError, match="pool_mode"):
        K.pool2d(x, (2, 2), pool_mode="min")
    mean, var = np.array([0.5, -1.0]), np.array([2.0, 0.5])
    beta, gamma = np.array([0.1, 0.2]), np.array([1.5, 0.7])
    np.testing.assert_allclose(
        K.batch_normalization(x, mean, var, beta, gamma),
        gamma * (x - mean) / np.sqrt(var + 1e-3) + beta,
        rtol=1e-10,
    )
    assert K.conv1d(rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 3, 4))).shape == (2, 4, 4)


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (lambda x, b: K.bias_add(x, b, data_format="channels_first"), [(2, 3, 2), (3,)]),
        (lambda x, k: K.conv2d(x, k, padding="same"), [(1, 3, 3, 2), (2, 2, 2, 1)]),
        (
            lambda x, m, v, b, g: K.batch_normalization(x, m, v * v + 0.1, b, g),
            [(2, 3), (3,), (3,), (3,), (3,)],
        ),
        (lambda x: K.foldl(lambda a, e: a * e, x), [(3, 2)]),
        (lambda x: K.repeat(K.reverse(x, 1), 2), [(2, 3)]),
        (lambda x: K.spatial_2d_padding(x), [(1, 2, 2, 1)]),
    ],
)
def test_keras2_layer_maths_is_differentiable(fn, shapes):
    rng = np.random.default_rng(5)
    gradient_check(fn, [rng.uniform(-1, 1, s) for s in shapes], rtol=1e-5, atol=1e-7)


def test_state_updates_loops_and_random():
    v = K.variable([1.0, 2.0])
    assert K.update_add(v, [1.0, 1.0]) is v
    np.testing.assert_allclose(K.get_value(v), [2.0, 3.0])
    K.update_sub(v, [0.5, 0.5])
    K.moving_average_update(v, [3.5, 4.5], 0.5)
    np.testing.assert_allclose(K.get_value(v), [2.5, 3.5])
    K.update(v, [0.0, 1.0])
    np.testing.assert_allclose(K.get_value(v), [0.0, 1.0])
    with pytest.raises(TypeError, match="variable"):
        K.update(np.zeros(2), np.ones(2))
    assert K.foldr(lambda acc, e: acc * 10 + e, np.arange(3.0)) == 210.0
    np.testing.assert_allclose(
        K.map_fn(lambda r: r * 2, np.arange(4.0).reshape(2, 2)), [[0, 2], [4, 6]]
    )
    t = K.truncated_normal((5000,), mean=1.0, stddev=0.5, seed=3)
    assert t.dtype == np.float32 and np.all(np.abs(t - 1.0) <= 1.0)
    assert K.random_uniform_variable((2, 2), 0, 1, seed=1).shape == (2, 2)
    assert K.arange(3).dtype == np.int32 and K.get_variable_shape(v) == (2,)
    K.set_learning_phase(1)
    try:
        assert K.in_train_phase("train", "test") == "train"
        assert K.in_test_phase("test", "train") == "train"
    finally:
        K.set_learning_phase(0)
    assert K.in_train_phase("train", "test") == "test"


def test_cast_to_floatx_gives_a_floatx_array():
    """Keras 2's `K.cast_to_floatx(np.arange(3))` (tf_keras 2.21 gives float32 [0, 1, 2])."""
    out = K.cast_to_floatx(np.arange(3))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])
