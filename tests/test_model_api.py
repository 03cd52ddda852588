"""The core Model API: weights, freezing, layers, get_layer, add/pop, summary, naming."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def _model():
    return keras.Sequential(
        [layers.Dense(3, input_shape=(2,)), layers.Activation("tanh"), layers.Dense(1)]
    )


def test_weights_order_names_and_paths():
    m = _model()
    assert [w.path for w in m.weights] == [
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    ]
    assert [w.name for w in m.weights] == ["kernel", "bias", "kernel", "bias"]
    assert [tuple(w.shape) for w in m.get_weights()] == [(2, 3), (3,), (3, 1), (1,)]
    assert m.trainable_weights == m.weights and m.non_trainable_weights == []
    assert m.count_params() == 2 * 3 + 3 + 3 + 1
    assert m.layers[0].count_params() == 9 and m.layers[1].count_params() == 0


def test_get_weights_are_copies_and_set_weights_round_trips():
    m = _model()
    w = m.get_weights()
    w[0][:] = 7.0
    assert not np.any(m.get_weights()[0] == 7.0)
    new = [np.full(a.shape, i, dtype="float64") for i, a in enumerate(m.get_weights())]
    m.set_weights(new)
    for a, b in zip(m.get_weights(), new):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.float32
    np.testing.assert_allclose(
        m.predict(np.ones((1, 2)), verbose=0), [[3 + 2 * 3 * np.tanh(1)]], rtol=1e-6
    )


def test_set_weights_errors_name_the_layer_and_the_shapes():
    m = _model()
    w = m.get_weights()
    with pytest.raises(
        ValueError,
        match=r"weight list of length 3, but the layer was expecting "
        r"4 weights",
    ):
        m.set_weights(w[:3])
    with pytest.raises(
        ValueError,
        match=r"weight shape \(2, 3\) is not compatible with provided "
        r"weight shape \(3,\) \(weight 'dense/kernel'\)",
    ):
        m.set_weights([w[1], w[0], w[2], w[3]])
    before = m.get_weights()
    with pytest.raises(ValueError):
        m.set_weights([w[0], w[1], w[2], np.ones(5)])
    for a, b in zip(before, m.get_weights()):  # nothing assigned on failure
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="dense"):
        m.layers[0].set_weights([np.ones((2, 3))])


def test_freezing_a_layer_excludes_it_from_training_and_summary_counts():
    m = _model()
    m.layers[0].trainable = False
    assert [w.path for w in m.non_trainable_weights] == ["dense/kernel", "dense/bias"]
    assert [w.path for w in m.trainable_weights] == ["dense_1/kernel", "dense_1/bias"]
    lines = []
    m.summary(print_fn=lines.append)
    assert "Total params: 13 (52.00 Byte)" in lines
    assert "Trainable params: 4 (16.00 Byte)" in lines
    assert "Non-trainable params: 9 (36.00 Byte)" in lines
    m.compile(keras.optimizers.SGD(0.5), "mse")
    before = m.get_weights()
    m.fit(np.ones((4, 2)), np.full((4, 1), 3.0), epochs=3, verbose=0)
    after = m.get_weights()
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[1], after[1])
    assert not np.array_equal(before[2], after[2])
    m.layers[0].trainable = True
    assert len(m.trainable_weights) == 4
    m.trainable = False
    assert m.trainable_weights == [] and len(m.non_trainable_weights) == 4
    assert m.get_config()["layers"][1]["config"]["trainable"] is False


def test_layers_and_get_layer():
    m = _model()
    assert [type(lay).__name__ for lay in m.layers] == ["Dense", "Activation", "Dense"]
    assert m.get_layer("activation") is m.layers[1]
    assert m.get_layer(index=2) is m.layers[2]
    with pytest.raises(
        ValueError,
        match=r"No such layer: nope. Existing layers are: "
        r"\['dense', 'activation', 'dense_1'\]",
    ):
        m.get_layer("nope")
    with pytest.raises(ValueError, match="index 5 but model only has 3 layers"):
        m.get_layer(index=5)
    with pytest.raises(ValueError, match="only a layer name or a layer index"):
        m.get_layer("dense", 0)


def test_sequential_add_pop_and_their_errors():
    m = keras.Sequential()
    with pytest.raises(TypeError, match="must be an instance of class Layer. Received: layer=3"):
        m.add(3)
    m.add(keras.Input((4,)))
    m.add(layers.Dense(2, name="a"))
    assert m.built and m.output_shape == (None, 2)
    with pytest.raises(ValueError, match="unique names. Name 'a' is already"):
        m.add(layers.Dense(2, name="a"))
    m.add(layers.Dense(5, name="b"))
    assert m.output_shape == (None, 5) and m.count_params() == 10 + 15
    popped = m.pop()
    assert popped.name == "b" and [lay.name for lay in m.layers] == ["a"]
    assert m.output_shape == (None, 2)
    np.testing.assert_array_equal(m.predict(np.zeros((1, 4)), verbose=0).shape, (1, 2))
    m.pop()
    with pytest.raises(TypeError, match="There are no layers in the model."):
        m.pop()


def test_unbuilt_model_says_so():
    m = keras.Sequential([layers.Dense(3)])
    assert not m.built
    lines = []
    m.summary(print_fn=lines.append)  # Keras 3 prints an unbuilt summary
    assert any(re.fullmatch(r" dense \(Dense\) +\? +0 \(unused\)", line) for line in lines)
    assert "Total params: 0 (0.00 Byte)" in lines
    m.build((None, 5))
    assert m.count_params() == 18
    lines = []
    m.summary(print_fn=lines.append)
    assert any(re.fullmatch(r" dense \(Dense\) +\(None, 3\) +18 +", line) for line in lines)


def test_summary_line_length_positions_and_print_fn():
    m = _model()
    lines = []
    m.summary(line_length=80, positions=[0.5, 0.8, 1.0], print_fn=lines.append)
    assert all(len(line) == 80 for line in lines if line.startswith(" "))
    header = next(line for line in lines if "Layer (type)" in line)
    assert header.index("Output Shape") == 40 and header.index("Param #") == 64
    assert lines[0] == 'Model: "sequential"'
    assert lines[-1] == "_" * 80


def test_build_from_data_when_no_input_shape_is_given():
    m = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    m.compile("sgd", "mse")
    m.fit(np.ones((4, 6)), np.ones((4, 1)), verbose=0)
    assert m.built and m.count_params() == 6 * 3 + 3 + 3 + 1
    assert m.input_shape == (None, 6)


def test_compiled_metric_names_single_and_multi_output():
    x = np.ones((4, 3))

    def my_metric(y_true, y_pred):
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    s = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    s.compile(
        "sgd",
        "mse",
        metrics=["mae", keras.metrics.BinaryAccuracy(), my_metric, "mean_squared_error"],
    )
    h = s.fit(x, np.ones(4), verbose=0)
    # Keras 3 sorts the log keys (tests/fixtures/trainer_logs has real Keras' orders).
    assert list(h.history) == ["binary_accuracy", "loss", "mae", "mean_squared_error", "my_metric"]
    assert s.metrics_names == ["loss", "compile_metrics"]
    inp = keras.Input((3,))
    hid = layers.Dense(4, name="h")(inp)
    out_a = layers.Dense(1, activation="sigmoid", name="out_a")(hid)
    out_b = layers.Dense(2, activation="softmax", name="out_b")(hid)
    m = keras.Model(inp, [out_a, out_b])
    m.compile("sgd", ["binary_crossentropy", "categorical_crossentropy"], metrics=["accuracy"])
    h = m.fit(x, [np.ones((4, 1)), np.eye(2)[[0, 1, 0, 1]]], verbose=0)
    assert m.metrics_names == ["loss", "compile_metrics", "out_a_loss", "out_b_loss"]
    assert list(h.history) == [
        "loss",
        "out_a_accuracy",
        "out_a_loss",
        "out_b_accuracy",
        "out_b_loss",
    ]
    assert h.history["loss"][0] == pytest.approx(
        h.history["out_a_loss"][0] + h.history["out_b_loss"][0], rel=1e-6
    )


class _TwoDense(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x, training=None):
        return self.out(self.hidden(x))


def test_subclassed_model_builds_lazily_in_fit_and_trains():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    m = _TwoDense()
    assert not m.built and m.weights == []
    m.compile(keras.optimizers.Adam(0.05), "mse")
    h = m.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert m.built and len(m.trainable_weights) == 4 and m.count_params() == 3 * 8 + 8 + 9
    assert h.history["loss"][-1] < 0.2 * h.history["loss"][0]
    lines = []
    m.summary(print_fn=lines.append)
    assert any(re.fullmatch(r" dense \(Dense\) +multiple +32 +", line) for line in lines)
    m2 = _TwoDense()
    m2.build((None, 3))
    assert m2.built and m2.predict(x[:2], verbose=0).shape == (2, 1)


def test_optimizer_reused_on_new_variables_says_so():
    opt = keras.optimizers.Adam()
    a = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    b = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    a.compile(opt, "mse")
    a.train_on_batch(np.ones((2, 2)), np.ones((2, 1)))
    b.compile(opt, "mse")
    with pytest.raises(
        ValueError,
        match=r"Unknown variable: dense_1/kernel .* create a new "
        r"optimizer instance",
    ):
        b.train_on_batch(np.ones((2, 2)), np.ones((2, 1)))


def test_kernel_regularizer_penalty_joins_the_loss():
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    y = np.zeros((8, 1), dtype="float32")
    m = keras.Sequential(
        [layers.Dense(4, input_shape=(3,), kernel_regularizer="l2"), layers.Dense(1)]
    )
    m.compile("sgd", "mse")
    k = m.layers[0].kernel.numpy().astype(np.float64)
    mse = float(np.mean(m.predict(x, verbose=0).astype(np.float64) ** 2))
    assert m.evaluate(x, y, verbose=0) == pytest.approx(mse + 0.01 * np.sum(k**2), rel=1e-5)


class _ActivityPenalty(keras.layers.Layer):
    def call(self, x):
        self.add_loss(keras.ops.multiply(keras.ops.mean(keras.ops.square(x)), 0.5))
        return x


def test_add_loss_joins_the_loss_and_can_be_the_only_loss():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = np.zeros((16, 1), dtype="float32")
    m = keras.Sequential([layers.Dense(2, input_shape=(3,)), _ActivityPenalty(), layers.Dense(1)])
    m.compile("sgd", "mse")
    hidden = np.asarray(m.layers[0](x)).astype(np.float64)
    expected = np.mean(m.predict(x, verbose=0).astype(np.float64) ** 2) + 0.5 * np.mean(hidden**2)
    assert m.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)
    only = keras.Sequential([layers.Dense(2, input_shape=(3,)), _ActivityPenalty()])
    only.compile(keras.optimizers.SGD(0.5))  # no compiled loss: minimise the added loss
    h = only.fit(x, epochs=5, verbose=0)  # no targets needed either
    assert h.history["loss"][-1] < h.history["loss"][0]
    plain = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    plain.compile("sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        plain.fit(x, y, verbose=0)


def test_model_construction_and_call_errors_keras_gives():
    """Keras 3.15's errors for these, where minikeras accepted the model or crashed with
    KeyError/IndexError (two layers of one name would share their weights' paths)."""
    L = keras.layers
    a = keras.Input((4,))
    h = L.Dense(3, name="d")(a)
    with pytest.raises(ValueError, match='The name "d" is used 2 times in the model'):
        keras.Model(a, L.Dense(2, name="d")(h))
    with pytest.raises(ValueError, match="`outputs` argument cannot be empty"):
        keras.Model(a, [])
    x, y = keras.Input((4,), name="x"), keras.Input((4,), name="y")
    two = keras.Model({"x": x, "y": y}, L.Add()([x, y]))
    with pytest.raises(ValueError, match=r"expects inputs named \['x', 'y'\].*lacks \['y'\]"):
        two.predict({"x": np.ones((2, 4), "float32")}, verbose=0)
    assert two.predict({"x": np.ones((2, 4)), "y": np.ones((2, 4))}, verbose=0).shape == (2, 4)


def test_compile_errors_keras_gives():
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1)])
    x, y = np.ones((2, 4), "float32"), np.ones((2, 1), "float32")
    with pytest.raises(ValueError, match=r"must call `compile\(\)`"):  # Keras 3: ValueError
        model.fit(x, y, verbose=0)
    with pytest.raises(RuntimeError, match=r"must call `compile\(\)`"):  # Keras 2: RuntimeError
        model.evaluate(x, y, verbose=0)
    model.compile("sgd", "mse", loss_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="got 1 losses and 2 weights"):
        model.fit(x, y, verbose=0)
    model.compile("sgd", "mse", loss_weights={"nope": 2.0})
    with pytest.raises(ValueError, match=r"`loss_weights`, the keys \['nope'\]"):
        model.fit(x, y, verbose=0)
