"""The whole training step (forward, loss, tape gradients, update) against Keras 3.15.1.

Fixtures: tests/fixtures/core_training (see its README): five SGD/Adam steps of a
Dense(4, tanh) -> Dense(2, act) network from fixed initial weights, for each core loss.
"""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.conftest import FIXTURES

OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(learning_rate=0.1),
    "sgd_momentum": lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    "sgd_nesterov": lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    "adam": lambda: keras.optimizers.Adam(),
}
LOSSES = {
    "mse": "linear",
    "binary_crossentropy": "sigmoid",
    "categorical_crossentropy": "softmax",
    "sparse_categorical_crossentropy": "softmax",
}


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("opt", sorted(OPTIMIZERS))
def test_five_steps_match_keras(opt, loss):
    d = np.load(FIXTURES / "core_training" / f"{opt}__{loss}.npz")
    model = keras.Sequential(
        [
            layers.Dense(4, activation="tanh", input_dim=3, name="hidden"),
            layers.Dense(2, activation=LOSSES[loss], name="out"),
        ]
    )
    model.set_weights([d[f"w_init_{i}"] for i in range(4)])
    model.compile(optimizer=OPTIMIZERS[opt](), loss=loss)
    x, y = d["x"], d["y"]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(d["loss_before"]), rel=2e-6)
    for k in range(1, 6):
        hist = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        assert hist.history["loss"][0] == pytest.approx(float(d["loss_step"][k - 1]), rel=2e-6)
        for i, w in enumerate(model.get_weights()):
            np.testing.assert_allclose(
                w, d[f"w_step{k}_{i}"], rtol=1e-5, atol=1e-6, err_msg=f"step {k}, weight {i}"
            )
        assert model.evaluate(x, y, verbose=0) == pytest.approx(
            float(d["loss_after_step"][k - 1]), rel=2e-6
        )


def test_legacy_lr_argument_is_honoured_with_a_deprecation_warning():
    """The book's `SGD(lr=0.1)` trains at 0.1 (tf_keras silently used 0.01)."""
    d = np.load(FIXTURES / "core_training" / "sgd__mse.npz")
    model = keras.Sequential([layers.Dense(4, activation="tanh", input_dim=3), layers.Dense(2)])
    model.set_weights([d[f"w_init_{i}"] for i in range(4)])
    with pytest.warns(DeprecationWarning, match="`lr` argument is deprecated"):
        optimizer = keras.optimizers.SGD(lr=0.1)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(d["x"], d["y"], batch_size=8, shuffle=False, verbose=0)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, d[f"w_step1_{i}"], rtol=1e-5, atol=1e-6)
