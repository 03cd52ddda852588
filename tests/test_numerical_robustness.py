"""Messy data and extreme values fail cleanly or stay finite; no NumPy warnings escape."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(16, 4)).astype("float32")


def _classifier(units, activation, loss):
    model = minikeras.Sequential([layers.Input((4,)), layers.Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


@pytest.mark.parametrize(
    "units,activation,loss,y",
    [
        (1, "sigmoid", "binary_crossentropy", (X[:, :1] > 0).astype("float32")),
        (3, "softmax", "categorical_crossentropy", np.eye(3, dtype="float32")[np.arange(16) % 3]),
        (3, "softmax", "sparse_categorical_crossentropy", np.arange(16) % 3),
        (
            3,
            None,
            minikeras.losses.CategoricalCrossentropy(from_logits=True),
            np.eye(3, dtype="float32")[np.arange(16) % 3],
        ),
        (
            1,
            None,
            minikeras.losses.BinaryCrossentropy(from_logits=True),
            (X[:, :1] > 0).astype("float32"),
        ),
    ],
)
def test_huge_logits_give_finite_loss_and_gradients(units, activation, loss, y):
    model = _classifier(units, activation, loss)
    kernel, bias = model.get_weights()
    model.set_weights([np.full_like(kernel, 1e4) * np.sign(RNG.normal(size=kernel.shape)), bias])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(X * 100, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_all_zero_inputs_train_without_warnings():
    model = _classifier(3, "softmax", "categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(np.zeros((8, 4)), np.eye(3)[np.arange(8) % 3], epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


@pytest.mark.parametrize("where,bad", [("x", np.nan), ("x", np.inf), ("y", np.nan), ("y", -np.inf)])
def test_non_finite_data_is_rejected_before_training(where, bad):
    model = _classifier(1, "sigmoid", "binary_crossentropy")
    before = model.get_weights()
    x, y = X.copy(), (X[:, :1] > 0).astype("float32")
    (x if where == "x" else y)[5, 0] = bad
    with pytest.raises(ValueError, match=r"NaN|inf"):
        model.fit(x, y, epochs=1, verbose=0)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_one_hot_labels_given_to_sparse_loss_get_keras_message():
    model = _classifier(3, "softmax", "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=r"same shape up until the last dimension: "
        r"target.shape=\(16, 3\), output.shape=\(16, 3\)",
    ):
        model.fit(X, np.eye(3)[np.arange(16) % 3], verbose=0)


@pytest.mark.parametrize("y", [np.arange(16) % 3, (np.arange(16) % 3).reshape(-1, 1)])
def test_integer_labels_given_to_categorical_loss_get_keras_message(y):
    model = _classifier(3, "softmax", "categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=r"must have the same shape. Received: "
        r"target.shape=\(16,( \d)?\), output.shape=\(16, 3\)",
    ):
        model.fit(X, y, verbose=0)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_empty_arrays_are_rejected(method):
    model = _classifier(1, "sigmoid", "binary_crossentropy")
    args = (X[:0],) if method == "predict" else (X[:0], np.zeros((0, 1)))
    with pytest.raises(ValueError, match="non-empty|0 samples|empty"):
        getattr(model, method)(*args, verbose=0)


def test_mismatched_sample_weights_are_rejected():
    model = _classifier(1, "sigmoid", "binary_crossentropy")
    with pytest.raises(ValueError, match=r"(?s)5.*16|16.*5"):
        model.fit(X, (X[:, :1] > 0), sample_weight=np.ones(5), verbose=0)


def test_wrong_feature_width_is_rejected_with_shapes():
    model = _classifier(1, "sigmoid", "binary_crossentropy")
    with pytest.raises(ValueError, match=r"4.*7|7.*4"):
        model.fit(RNG.normal(size=(16, 7)), np.zeros((16, 1)), verbose=0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a diverging run overflows, as it should
def test_terminate_on_nan_stops_a_diverging_run():
    x = RNG.uniform(0, 10, size=(64, 3)).astype("float32")
    model = minikeras.Sequential(
        [layers.Input((3,)), layers.Dense(8, activation="relu"), layers.Dense(1)]
    )
    model.compile(optimizer=minikeras.optimizers.SGD(1e4), loss="mse")
    history = model.fit(
        x,
        x.sum(axis=1, keepdims=True),
        epochs=50,
        batch_size=8,
        verbose=0,
        callbacks=[minikeras.callbacks.TerminateOnNaN()],
    )
    assert len(history.history["loss"]) == 1 and not np.isfinite(history.history["loss"][0])
