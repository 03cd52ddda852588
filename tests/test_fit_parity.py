"""fit() options against Keras 3.15.1: histories, final weights, evaluate, train_on_batch.

Fixture: tests/fixtures/fit_options (generate.py there made it with real Keras):
Dense(4, tanh) -> Dense(1, sigmoid) from fixed weights, SGD(0.3, momentum=0.5),
binary crossentropy + accuracy, shuffle=False.
"""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.conftest import FIXTURES

K = np.load(FIXTURES / "fit_options" / "keras_fit_options.npz")
X, Y, SW = K["x"], K["y"], K["sw"]

CASES = {
    "plain": dict(epochs=3, batch_size=5),
    "val_split": dict(epochs=3, batch_size=5, validation_split=0.25),
    "class_weight": dict(epochs=3, batch_size=5, class_weight={0: 1.0, 1: 3.0}),
    "sample_weight": dict(epochs=3, batch_size=5, sample_weight=SW),
    "initial_epoch": dict(epochs=4, batch_size=5, initial_epoch=2),
    "val_data_freq": dict(
        epochs=4, batch_size=8, validation_data=(X[:6], Y[:6]), validation_freq=2
    ),
    "default_batch": dict(epochs=2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_option_matches_keras(name):
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.set_weights([K[f"w0_{i}"] for i in range(4)])
    model.compile(
        keras.optimizers.SGD(0.3, momentum=0.5), "binary_crossentropy", metrics=["accuracy"]
    )
    hist = model.fit(X, Y, shuffle=False, verbose=0, **CASES[name])
    prefix = f"{name}__h__"
    keys = [k[len(prefix) :] for k in K.files if k.startswith(prefix)]
    assert sorted(hist.history) == sorted(keys)
    for key in keys:
        np.testing.assert_allclose(
            hist.history[key], K[prefix + key], rtol=2e-5, atol=1e-6, err_msg=key
        )
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, K[f"{name}__w_{i}"], rtol=2e-5, atol=1e-6)
    ev = model.evaluate(X, Y, batch_size=3, verbose=0, return_dict=True)
    np.testing.assert_allclose([ev["loss"], ev["accuracy"]], K[f"{name}__eval"], rtol=2e-5)
    np.testing.assert_allclose(
        model.evaluate(X, Y, sample_weight=SW, verbose=0), K[f"{name}__eval_sw"], rtol=2e-5
    )
    np.testing.assert_allclose(model.train_on_batch(X[:7], Y[:7]), K[f"{name}__tob"], rtol=2e-5)
