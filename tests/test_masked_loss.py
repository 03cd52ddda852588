"""Output masks exclude padded timesteps from the loss and mean metrics, as in Keras 3.

Expected values come from real Keras 3.15.1 (tests/fixtures/masked_loss/make_fixture.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras.losses.masking import apply_mask
from tests.conftest import FIXTURES

DATA = np.load(FIXTURES / "masked_loss" / "masked_loss.npz")
EXPECTED = json.loads((FIXTURES / "masked_loss" / "masked_loss.json").read_text())


def _weights(prefix):
    keys = sorted(
        (k for k in DATA.files if k.startswith(prefix)), key=lambda k: int(k[len(prefix) :])
    )
    return [DATA[k] for k in keys]


def _model(units, activation):
    return keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Embedding(8, 3, mask_zero=True),
            keras.layers.SimpleRNN(4, return_sequences=True),
            keras.layers.Dense(units, activation=activation),
        ]
    )


def test_masked_regression_loss_and_training_step_match_keras():
    model = _model(2, None)
    model.set_weights(_weights("reg_w"))
    model.compile(keras.optimizers.SGD(0.1), "mse")
    assert model.evaluate(DATA["tok"], DATA["y"], verbose=0) == pytest.approx(
        EXPECTED["reg_eval"], rel=1e-5
    )
    model.train_on_batch(DATA["tok"], DATA["y"])
    for got, want in zip(model.get_weights(), _weights("reg_after")):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_masked_classifier_loss_and_accuracy_match_keras():
    model = _model(1, "sigmoid")
    model.set_weights(_weights("clf_w"))
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
    got = model.evaluate(DATA["tok"], DATA["yc"], verbose=0, return_dict=True)
    assert got["loss"] == pytest.approx(EXPECTED["clf_eval"]["loss"], rel=1e-5)
    assert got["accuracy"] == pytest.approx(EXPECTED["clf_eval"]["accuracy"], rel=1e-6)


def test_functional_model_masks_its_loss_too():
    tokens = keras.Input((5,))
    h = keras.layers.Embedding(8, 3, mask_zero=True)(tokens)
    out = keras.layers.Dense(2)(keras.layers.SimpleRNN(4, return_sequences=True)(h))
    model = keras.Model(tokens, out)
    model.set_weights(_weights("reg_w"))
    model.compile("sgd", "mse")
    assert model.evaluate(DATA["tok"], DATA["y"], verbose=0) == pytest.approx(
        EXPECTED["reg_eval"], rel=1e-5
    )


def test_apply_mask_weights_valid_entries_for_a_mean():
    mask = np.array([[True, True, False, False]])
    weights = apply_mask(np.array([2.0]), mask)
    values = np.array([[1.0, 3.0, 100.0, 100.0]])
    # sum(values * w) / count == mean of the valid values, times the sample weight
    assert float((values * weights).sum() / values.size) == pytest.approx(4.0, rel=1e-6)
