"""Layers and models made as Keras' "Making new layers and models via subclassing" shows.

Weights made in `__init__` or lazily in `build`, non-trainable weights, nested layers,
`add_loss` (collected by the outermost call, cleared at the next forward pass), metrics
reset with the Keras 2 name `reset_states`, the `training` flag, and a model whose own
loss term joins the compiled loss in `fit`.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops


class Linear(layers.Layer):
    def __init__(self, units=4):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class ColumnSum(layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(shape=(input_dim,), initializer="zeros", trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class ActivityPenalty(layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.penalty = ActivityPenalty()

    def call(self, inputs):
        return self.penalty(inputs)


def test_lazy_weights_and_nested_tracking():
    x = np.ones((2, 3), np.float32)
    layer = Linear(4)
    assert layer.weights == []
    y = layer(x)
    assert y.shape == (2, 4) and len(layer.trainable_weights) == 2
    np.testing.assert_allclose(np.asarray(y), x @ layer.w.numpy() + layer.b.numpy())

    class MLPBlock(layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(8)
            self.linear_2 = Linear(1)

        def call(self, inputs):
            return self.linear_2(ops.relu(self.linear_1(inputs)))

    block = MLPBlock()
    assert block(np.ones((3, 5), np.float32)).shape == (3, 1)
    assert len(block.weights) == 4 and len(block.trainable_weights) == 4


def test_non_trainable_weight_accumulates_and_is_not_trained():
    layer = ColumnSum(2)
    x = np.ones((2, 2), np.float32)
    layer(x)
    np.testing.assert_array_equal(np.asarray(layer(x)), [4.0, 4.0])
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1


def test_add_loss_holds_only_the_last_forward_pass():
    x = np.ones((2, 2), np.float32)
    layer = ActivityPenalty()
    assert layer.losses == []
    layer(x)
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == pytest.approx(0.01)
    layer(2 * x)
    assert len(layer.losses) == 1  # cleared at the start of the new call, not summed
    assert float(layer.losses[0]) == pytest.approx(0.02)
    outer = Block()
    outer(x)
    outer(x)
    assert len(outer.losses) == 1  # the outermost call clears the nested layers' losses


def test_a_models_own_loss_joins_the_compiled_loss_in_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype(np.float32)

    class WithPenalty(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)
            self.penalty = ActivityPenalty(rate=0.5)

        def call(self, inputs):
            return self.penalty(self.dense(inputs))

    keras.utils.set_random_seed(0)
    model = WithPenalty()
    model.compile(optimizer="sgd", loss="mse")
    logs = model.evaluate(x, x, batch_size=16, verbose=0, return_dict=True)
    out = model.predict(x, verbose=0)
    expected = np.mean((out - x) ** 2) + 0.5 * np.mean(out)
    assert logs["loss"] == pytest.approx(float(expected), rel=1e-5)
    history = model.fit(x, x, epochs=2, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 2
    # compile(loss=None): the model's own loss terms alone are minimised.
    model.compile(optimizer="sgd")
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, epochs=3, batch_size=16, verbose=0)
    assert model.evaluate(x, x, verbose=0) < before


METRIC_CLASSES = sorted(
    (name, cls)
    for name, cls in vars(keras.metrics).items()
    if inspect.isclass(cls)
    and issubclass(cls, keras.metrics.Metric)
    and cls is not keras.metrics.Metric
    and "Wrapper" not in name
)


REQUIRED_ARGS = {
    "num_classes": 2,
    "thresholds": 0.5,
    "recall": 0.5,
    "precision": 0.5,
    "specificity": 0.5,
    "sensitivity": 0.5,
    "class_id": 1,
    "target_class_ids": [1],
}


def _metric(cls):
    params = inspect.signature(cls.__init__).parameters
    return cls(
        **{
            name: REQUIRED_ARGS[name]
            for name, p in params.items()
            if p.default is inspect.Parameter.empty and name in REQUIRED_ARGS
        }
    )


@pytest.mark.parametrize("name,cls", METRIC_CLASSES)
def test_reset_states_resets_every_builtin_metric(name, cls):
    metric = _metric(cls)
    fresh = (
        np.asarray(metric.result(), dtype=np.float64)
        if not isinstance(metric.result(), dict)
        else None
    )
    metric.reset_states()  # the Keras 2 name, reaching each class's own reset_state
    if fresh is not None:
        np.testing.assert_array_equal(np.asarray(metric.result(), dtype=np.float64), fresh)


def test_reset_states_clears_accumulated_values():
    metric = keras.metrics.MeanAbsoluteError()
    metric.update_state(np.zeros((2, 1)), np.ones((2, 1)))
    assert float(metric.result()) == 1.0
    metric.reset_states()
    assert float(metric.result()) == 0.0
    auc = keras.metrics.AUC()
    auc.update_state([0, 1, 1], [0.1, 0.9, 0.8])
    assert float(auc.result()) == 1.0
    auc.reset_states()
    assert float(auc.result()) == 0.0


def test_training_flag_reaches_a_custom_layer():
    class NoiseInTraining(layers.Layer):
        def call(self, inputs, training=None):
            return inputs + 1.0 if training else inputs

    model = keras.Sequential([keras.Input((2,)), NoiseInTraining()])
    x = np.zeros((1, 2), np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(np.asarray(model(x, training=True)), x + 1)
