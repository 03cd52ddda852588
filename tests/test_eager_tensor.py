"""Eager tensors: what layer/model calls and `tf.*` hand back, recorded arithmetic, masks."""

import numpy as np
import pytest

import minikeras as keras
import minikeras.tensorflow as tf
from minikeras.backend.eager_tensor import EagerTensor
from minikeras.testing import gradient_check


def _mlp():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.layers.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
    )


def test_model_and_layer_calls_return_tensors_and_predict_returns_ndarray():
    model = _mlp()
    x = np.ones((5, 3), dtype="float32")
    out = model(x)
    assert isinstance(out, EagerTensor)
    assert out.shape.as_list() == [5, 2] and out.shape == (5, 2)
    assert out.dtype.name == "float32" and out.dtype == tf.float32 and out.ndim == 2
    np.testing.assert_array_equal(out.numpy(), model.predict(x, verbose=0))
    assert type(model.predict(x, verbose=0)) is np.ndarray
    assert type(model.predict(x, batch_size=2, verbose=0)) is np.ndarray
    layer_out = keras.layers.Dense(2)(x)
    assert isinstance(layer_out, EagerTensor) and layer_out.numpy().shape == (5, 2)
    # The tensor goes back into models, layers, NumPy and fit like an array.
    np.testing.assert_array_equal(model(tf.constant(x)).numpy(), out.numpy())
    assert np.argmax(out, axis=1).shape == (5,)
    model.compile("sgd", "mse")
    model.fit(tf.constant(x), out, epochs=1, verbose=0)


def test_nested_layer_calls_pass_plain_arrays():
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs):
            seen.append(type(inputs))
            return inputs * 2.0

    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(2), Probe()])
    model(np.ones((1, 2), "float32"))
    assert seen[-1] is np.ndarray


def test_constant_arithmetic_is_recorded_on_a_tape():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    assert float(tape.gradient(y, x)) == 12.0
    with tf.GradientTape() as tape:  # not watched: no gradient, as in TensorFlow
        y = x**3
    assert tape.gradient(y, x) is None


def test_variable_arithmetic_nested_sources_and_persistent_tapes():
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    b = tf.Variable([0.5, -0.5])
    x = tf.constant([[1.0, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    grads = tape.gradient(loss, {"w": w, "b": [b]})
    np.testing.assert_allclose(grads["w"].numpy(), [[-1.5, -2.5], [1.5, 2.5]])
    np.testing.assert_allclose(grads["b"][0].numpy(), [-1.5, -2.5])
    np.testing.assert_allclose(tape.gradient(y, b).numpy(), [1.0, 1.0])
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            skipped = w * 2.0
        kept = tf.reduce_sum(w * skipped)
    np.testing.assert_allclose(tape.gradient(kept, w).numpy(), 2 * w.numpy())
    zero = tf.GradientTape()
    with zero:
        unrelated = tf.reduce_sum(x)
    assert zero.gradient(
        unrelated, w, unconnected_gradients=tf.UnconnectedGradients.ZERO
    ).numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_tensor_arithmetic_gradients_pass_the_float64_check():
    def fn(a, b):
        ta, tb = tf.identity(a), tf.identity(b)
        return (ta * tb - ta / (tb + 3.0)) ** 2 + abs(ta) @ tf.transpose(tb) - (-ta)[0]

    gradient_check(fn, [np.array([[0.3, -0.7]]), np.array([[1.1, 0.4]])])


def test_batch_jacobian_and_jacobian():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    jac = tape.batch_jacobian(y, x).numpy()
    np.testing.assert_allclose(jac, [[[2.0, 0.0], [0.0, 4.0]], [[6.0, 0.0], [0.0, 8.0]]])
    assert tape.jacobian(y, x).shape.as_list() == [2, 2, 2, 2]


def test_embedding_mask_zero_sets_keras_mask_and_masking_layer_too():
    emb = keras.layers.Embedding(input_dim=10, output_dim=3, mask_zero=True)
    out = emb(np.array([[4, 2, 0, 0], [1, 0, 0, 0]]))
    assert out._keras_mask.numpy().tolist() == [
        [True, True, False, False],
        [True, False, False, False],
    ]
    masking = keras.layers.Masking()
    data = np.zeros((1, 3, 2), dtype="float32")
    data[0, 0] = 1.0
    assert masking(data)._keras_mask.numpy().tolist() == [[True, False, False]]
    plain = keras.layers.Embedding(10, 3)(np.array([[1, 0]]))
    assert not hasattr(plain, "_keras_mask")


def test_a_carried_mask_reaches_the_next_layer_call():
    keras.utils.set_random_seed(1)
    emb = keras.layers.Embedding(10, 3, mask_zero=True)
    lstm = keras.layers.LSTM(2)
    ids = np.array([[5, 3, 0, 0]])
    x = emb(ids)
    implicit = lstm(x).numpy()
    explicit = lstm(x.numpy(), mask=ids != 0).numpy()
    unmasked = lstm(x.numpy()).numpy()
    np.testing.assert_allclose(implicit, explicit)
    assert not np.allclose(implicit, unmasked)


def test_printing_and_python_protocols():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert str(t) == "tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"
    assert repr(tf.constant(3)) == "<tf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert [float(v) for v in tf.constant([1.0, 2.0])] == [1.0, 2.0]
    assert f"{tf.constant(0.25):.1%}" == "25.0%"
    with pytest.raises(TypeError, match="unhashable"):
        hash(t)
    assert {t.ref(): 1}[t.ref()] == 1
    with pytest.raises(TypeError, match="Scalar tensor"):
        len(tf.constant(1.0))
    assert isinstance(t, tf.Tensor) and not isinstance(t.numpy(), tf.Tensor)


def test_dataset_iteration_yields_tensors():
    ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [3, 4])).map(
        lambda x, y: (x * 2, tf.cast(y, tf.float32))
    )
    for x, y in ds.take(1):
        assert x.numpy() == 2.0 and y.dtype == tf.float32 and x.shape.as_list() == []
    assert list(ds.as_numpy_iterator())[1] == (np.float32(4.0), np.float32(4.0))
