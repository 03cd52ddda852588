"""Pearson and concordance correlation metrics against Keras 3.15 (fixtures/correlation)
and, for Pearson's, against `np.corrcoef`."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import minikeras as keras

RECORD = json.loads(
    (
        pathlib.Path(__file__).parent / "fixtures" / "correlation" / "keras_correlation.json"
    ).read_text()
)
Y_TRUE = np.asarray(RECORD["y_true"], "float32")
Y_PRED = np.asarray(RECORD["y_pred"], "float32")


@pytest.mark.parametrize("name", ["pearson_correlation", "concordance_correlation"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_functions_match_keras(name, axis):
    got = getattr(keras.metrics, name)(Y_TRUE, Y_PRED, axis=axis)
    np.testing.assert_allclose(got, RECORD[name][str(axis)], rtol=1e-5, atol=1e-6)


def test_pearson_is_numpy_corrcoef_row_by_row():
    got = keras.metrics.pearson_correlation(Y_TRUE, Y_PRED)
    expected = [np.corrcoef(t, p)[0, 1] for t, p in zip(Y_TRUE, Y_PRED)]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("cls", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_metric_over_two_batches_matches_keras(cls):
    metric = keras.metrics.get(cls)
    metric.update_state(Y_TRUE[:4], Y_PRED[:4])
    metric.update_state(Y_TRUE[4:], Y_PRED[4:])
    assert float(metric.result()) == pytest.approx(RECORD[cls], rel=1e-5)
    assert keras.metrics.get(cls.lower().replace("correlation", "_correlation")).name == (
        metric.name
    )


def test_compile_takes_them_by_name():
    model = keras.Sequential([keras.layers.Input((5,)), keras.layers.Dense(5)])
    model.compile("sgd", "mse", metrics=["pearson_correlation", "concordance_correlation"])
    logs = model.evaluate(Y_TRUE, Y_PRED, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "pearson_correlation", "concordance_correlation"}
