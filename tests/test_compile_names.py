"""History keys for string metric names in `compile()`, as Keras 3.15.1 names them
(recorded by fixtures/keras_generated/gen_losses_metrics.py), and custom losses."""

from __future__ import annotations

import json

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers, ops
from tests.conftest import FIXTURES

GEN = FIXTURES / "keras_generated"
NAMES = json.loads((GEN / "losses_metrics.json").read_text())["compile_names"]
DATA = dict(np.load(GEN / "losses_metrics.npz"))
OK = {k: v for k, v in NAMES.items() if isinstance(v, list)}


@pytest.mark.parametrize("key", sorted(OK))
def test_history_keys_match_keras(key):
    loss, name = key.split("|")
    units, act, yk = (
        (3, "sigmoid", "bin_true") if loss.startswith("binary") else (4, "softmax", "cat_true")
    )
    model = mk.Sequential([layers.Dense(units, activation=act, input_dim=3)])
    model.compile(optimizer="sgd", loss=loss, metrics=[name])
    h = model.fit(DATA["reg_true"], DATA[yk], epochs=1, verbose=0)
    assert sorted(h.history) == OK[key]
    assert all(np.isfinite(v[0]) for v in h.history.values())


def test_metric_objects_keep_their_names_and_values():
    x, y = DATA["reg_true"], DATA["bin_true"]
    model = mk.Sequential([layers.Dense(3, activation="sigmoid", input_dim=3)])
    auc = mk.metrics.AUC(name="my_auc")
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=[auc, mk.metrics.Precision(thresholds=0.4), "mse"],
    )
    h = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(h) == {"loss", "my_auc", "precision", "mse"}
    p = model.predict(x, verbose=0)
    ref = mk.metrics.AUC()
    ref.update_state(y, p)
    assert h["my_auc"] == pytest.approx(float(ref.result()), rel=1e-6)
    assert h["mse"] == pytest.approx(float(np.mean((p - y) ** 2)), rel=1e-5)


def test_custom_loss_with_ops_functions_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype("float32")

    def ops_loss(y_true, y_pred):
        return ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1)

    class ScaledMSE(mk.losses.Loss):
        def call(self, y_true, y_pred):
            return ops.multiply(ops_loss(y_true, y_pred), 2.0)

    for fn in (ops_loss, ScaledMSE()):
        model = mk.Sequential([layers.Dense(1, input_dim=3)])
        model.compile(optimizer=mk.optimizers.Adam(0.05), loss=fn)
        h = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
        assert h.history["loss"][-1] < 0.05 * h.history["loss"][0]


def test_vector_valued_metrics_are_logged_as_arrays():
    x, y = DATA["reg_true"], DATA["cat_true"]
    model = mk.Sequential([layers.Dense(4, activation="softmax", input_dim=3)])
    model.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=[mk.metrics.F1Score(), mk.metrics.Precision(thresholds=[0.2, 0.4])],
    )
    h = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert np.shape(h.history["f1_score"][0]) == (4,)
    assert np.shape(h.history["val_precision"][0]) == (2,)
    ref = mk.metrics.F1Score()
    ref.update_state(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(h.history["val_f1_score"][0], ref.result(), rtol=1e-6)
