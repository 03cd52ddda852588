"""In-process regression tests for issue 20 (the campaign runs the file cases in children)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hostile.cases import OP_NODES, _with_op, functional_config

import minikeras
from minikeras import layers, losses, metrics, ops


@pytest.mark.parametrize("name", ["op_setattr", "op_delattr", "op_getattribute"])
def test_dunder_op_nodes_change_nothing(name):
    _, cls, args, kwargs, config, _ = next(n for n in OP_NODES if n[0] == name)
    text = json.dumps(_with_op(functional_config(), cls, args, kwargs, config))
    dense, relu = ops.dense, ops.relu
    with pytest.raises(ValueError, match="Unknown op"):
        minikeras.models.model_from_json(text)
    assert ops.dense is dense and ops.relu is relu
    model = minikeras.Sequential([layers.Input((2,)), layers.Dense(1, activation="relu")])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)


def test_public_op_names_exclude_private_and_function_taking_ops():
    from minikeras.ops.op_node import public_op_names

    names = public_op_names()
    assert {"add", "mean", "not_equal", "sum", "matmul"} <= names
    assert not {n for n in names if n.startswith("_")}
    assert not names & {"cond", "custom_gradient", "convert_to_numpy", "image", "numpy"}


def test_saved_op_node_still_round_trips():
    x = layers.Input((4,))
    y = ops.mean(layers.Dense(3)(x), axis=-1)
    model = minikeras.Model(x, y)
    again = minikeras.models.model_from_json(model.to_json(keras_version=3))
    data = np.ones((2, 4), "float32")
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(data, verbose=0), model.predict(data, verbose=0))


def test_layer_argument_errors_are_value_errors():
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="minval"):
        minikeras.initializers.RandomUniform(-1e308, 1e308)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv1D(2, kernel_size="3")
    with pytest.raises(ValueError, match="dtype"):
        layers.Dense(2, dtype="object")
    with pytest.raises(ValueError, match="units"):
        layers.Dense(float("inf"))
    with pytest.raises(ValueError, match="64 dimensions"):
        layers.Input(batch_shape=[None] + [1] * 100)


LOSS_CLASSES = [
    "BinaryCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "CategoricalCrossentropy",
    "Hinge",
    "KLDivergence",
    "Poisson",
    "Huber",
    "LogCosh",
    "CosineSimilarity",
    "SquaredHinge",
    "MeanSquaredLogarithmicError",
    "MeanAbsolutePercentageError",
    "CategoricalHinge",
    "BinaryFocalCrossentropy",
]


@pytest.mark.parametrize("loss", LOSS_CLASSES)
def test_losses_refuse_broadcasting_targets(loss):
    y_true = np.zeros((8, 2), "float32")
    y_pred = np.full((8, 1), 0.5, "float32")
    with pytest.raises(ValueError, match="must have the same shape"):
        getattr(losses, loss)()(y_true, y_pred)


@pytest.mark.parametrize("fn", ["binary_crossentropy", "categorical_crossentropy"])
def test_crossentropy_functions_refuse_broadcasting_targets(fn):
    """As Keras 3's ops: the functions check too (not only the `Loss` classes)."""
    with pytest.raises(ValueError, match="must have the same shape"):
        getattr(losses, fn)(np.zeros((8, 2), "float32"), np.full((8, 1), 0.5, "float32"))


def test_sparse_losses_still_take_integer_labels():
    y_pred = np.full((4, 3), 1 / 3, "float32")
    value = losses.SparseCategoricalCrossentropy()(np.array([0, 1, 2, 1]), y_pred)
    np.testing.assert_allclose(float(value), np.log(3), rtol=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        losses.SparseCategoricalCrossentropy()(np.zeros((4, 2)), y_pred)


@pytest.mark.parametrize(
    "metric",
    [
        "binary_accuracy",
        "mean_squared_error",
        "categorical_accuracy",
        "mean_absolute_error",
        "RootMeanSquaredError",
        "F1Score",
        "Precision",
        "AUC",
    ],
)
def test_metrics_refuse_broadcasting_targets(metric):
    m = getattr(metrics, metric) if metric[0].isupper() else metrics.get(metric)
    m = m() if isinstance(m, type) else m
    if not hasattr(m, "update_state"):
        m = metrics.MeanMetricWrapper(m)
    with pytest.raises(ValueError, match="must have the same shape"):
        m.update_state(np.zeros((8, 2), "float32"), np.full((8, 1), 0.5, "float32"))


def test_fit_with_targets_of_the_wrong_width_raises():
    model = minikeras.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(ValueError, match="same shape"):
        model.fit(np.zeros((8, 4), "float32"), np.zeros((8, 2), "float32"), verbose=0)


def test_predict_on_one_unbatched_sample_raises():
    model = minikeras.Sequential([layers.Input((4,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"expected shape \(None, 4\).*\(4,\)"):
        model.predict(np.zeros(4, "float32"), verbose=0)
    assert model.predict(np.zeros((1, 4), "float32"), verbose=0).shape == (1, 2)


@pytest.mark.parametrize("split", [1.5, 1.0, -0.1])
def test_validation_split_outside_unit_interval_raises(split):
    model = minikeras.Sequential([layers.Input((4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(np.zeros((8, 4)), np.zeros((8, 1)), validation_split=split, verbose=0)


class Scale(layers.Layer):
    """A user layer without `get_config`."""

    def __init__(self, factor=1.0, units=3, **kwargs):
        super().__init__(**kwargs)
        self.factor, self.units = factor, units

    def call(self, x):
        return x * self.factor


@pytest.mark.parametrize("fname", ["m.keras", "m.h5"])
def test_custom_layer_without_get_config_keeps_its_arguments(fname, tmp_path):
    model = minikeras.Sequential([layers.Input((3,)), Scale(factor=2.5, units=7, name="sc")])
    model.save(tmp_path / fname)
    again = minikeras.models.load_model(tmp_path / fname, custom_objects={"Scale": Scale})
    layer = again.get_layer("sc")
    assert (layer.factor, layer.units) == (2.5, 7)
    np.testing.assert_allclose(again.predict(np.ones((1, 3), "float32"), verbose=0), 2.5)


def test_unserializable_constructor_argument_warns():
    class Holder(layers.Layer):
        def __init__(self, table=None, **kwargs):
            super().__init__(**kwargs)
            self.table = table

    layer = Holder(table=np.zeros(2))
    with pytest.warns(UserWarning, match=r"cannot be serialized: \['table'\]"):
        config = layer.get_config()
    assert "table" not in config
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Holder(table=[1, 2]).get_config()["table"] == [1, 2]


def test_cli_prints_one_line_for_a_bad_config(tmp_path, capsys):
    from minikeras.cli.main import main

    path = tmp_path / "m.json"
    path.write_text(
        json.dumps(
            {
                "class_name": "Sequential",
                "config": {
                    "name": "s",
                    "layers": [
                        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}},
                        {"class_name": "GroupNormalization", "config": {"groups": 0}},
                    ],
                },
            }
        )
    )
    assert main(["summary", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "groups" in err and "m.json" in err


def test_inputs_with_an_extra_axis_are_refused_before_any_layer_runs():
    """Keras 3: (16, 2, 4) for a (None, 4) model is an invalid input shape. minikeras ran
    the Dense layer over the extra axis: predict returned (16, 2, 1), and fit failed only
    at the loss, naming the targets."""
    model = minikeras.Sequential([layers.Input((4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.ones((16, 2, 4), "float32")
    for call in (
        lambda: model.predict(x, verbose=0),
        lambda: model.fit(x, np.ones((16, 1)), verbose=0),
        lambda: model.evaluate(x, np.ones((16, 1)), verbose=0),
        lambda: model.train_on_batch(x, np.ones((16, 1))),
    ):
        with pytest.raises(ValueError, match=r"expected shape \(None, 4\).*\(16, 2, 4\)"):
            call()
    assert model.predict(np.ones((3, 4, 1)).squeeze(-1), verbose=0).shape == (3, 1)
    one_feature = minikeras.Sequential([layers.Input((1,)), layers.Dense(1)])
    assert one_feature.predict(np.ones(5), verbose=0).shape == (5, 1)  # a 1-D batch
