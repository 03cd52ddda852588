"""Custom metrics that keep their state in `add_weight` / `add_variable` variables.

The training guide's `CategoricalTruePositives`, and a metric relying on the
default `reset_state`; the expected values are what Keras 3.15 on TensorFlow
gives for the same code (recorded with /opt/kvenv).
"""

import numpy as np
import pytest

import minikeras as keras
import minikeras.tensorflow as tf


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.reshape(tf.argmax(y_pred, axis=1), shape=(-1, 1))
        values = tf.cast(tf.cast(y_true, "int32") == tf.cast(y_pred, "int32"), "float32")
        if sample_weight is not None:
            values = tf.multiply(values, tf.cast(sample_weight, "float32"))
        self.true_positives.assign_add(tf.reduce_sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


class Counter(keras.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.n = self.add_variable(shape=(), initializer="zeros", name="n")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n.assign_add(tf.cast(tf.shape(y_true)[0], "float32"))

    def result(self):
        return self.n


def test_state_in_a_weight():
    m = CategoricalTruePositives()
    m.update_state(np.array([[1], [2]]), np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
    assert float(m.result()) == 1.0 and len(m.variables) == 1
    assert not m.variables[0].trainable


def test_default_reset_zeroes_the_variables():
    c = Counter()
    c.update_state(np.zeros((5, 1)), None)
    assert float(c.result()) == 5.0
    c.reset_state()
    assert float(c.result()) == 0.0


def test_a_metric_without_state_or_reset_says_what_to_do():
    class NoState(keras.metrics.Metric):
        def update_state(self, *args, **kwargs):
            pass

        def result(self):
            return 0.0

    with pytest.raises(NotImplementedError, match="reset_state"):
        NoState().reset_state()


def test_fit_resets_and_logs_them_each_epoch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("int64")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    counter = Counter(name="seen")
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=[CategoricalTruePositives(), counter],
    )
    history = model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    assert history.history["seen"] == [256.0, 256.0]  # Keras 3: [256.0, 256.0]
    assert 0 < history.history["categorical_true_positives"][-1] <= 256
