"""Regularizers and constraints against Keras 3.15.1 values (fixtures/keras_generated/
gen_regularizers.py), serialization round trips, and a regularized, constrained model
trained for 3 steps compared with Keras."""

from __future__ import annotations

import json

import numpy as np
import pytest

import minikeras as mk
from minikeras import constraints, layers, regularizers
from tests.conftest import FIXTURES

GEN = FIXTURES / "keras_generated"
DATA = dict(np.load(GEN / "regularizers.npz"))
META = json.loads((GEN / "regularizers.json").read_text())


@pytest.mark.parametrize(
    "entry",
    META["regularizers"],
    ids=[f"{e['class_name']}-{e['kwargs']}" for e in META["regularizers"]],
)
def test_regularizer_value_and_config(entry):
    reg = getattr(regularizers, entry["class_name"])(**entry["kwargs"])
    w = DATA["wsq"] if "Orth" in entry["class_name"] else DATA["w"]
    value = float(np.asarray(getattr(reg(w), "value", reg(w))))
    assert value == pytest.approx(entry["value"], rel=1e-5)
    clone = regularizers.deserialize(entry["config"])  # Keras' own serialized dict
    assert type(clone) is type(reg)
    # Keras stores some factors as float32 tensors (l1=0.029999999329447746)
    ours, theirs = regularizers.serialize(reg)["config"], entry["config"]["config"]
    assert ours.keys() == theirs.keys()
    for key, v in theirs.items():
        assert ours[key] == (pytest.approx(v, rel=1e-6) if isinstance(v, float) else v)


@pytest.mark.parametrize(
    "i,entry",
    list(enumerate(META["constraints"])),
    ids=[f"{e['class_name']}-{e['kwargs']}" for e in META["constraints"]],
)
def test_constraint_value_and_config(i, entry):
    con = getattr(constraints, entry["class_name"])(**entry["kwargs"])
    np.testing.assert_allclose(
        np.asarray(con(DATA["w"])), DATA[f"constraint_{i}"], rtol=1e-5, atol=1e-7
    )
    clone = constraints.deserialize(entry["config"])
    assert type(clone) is type(con) and clone.get_config() == con.get_config()


def test_string_names():
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert isinstance(constraints.get("unit_norm"), constraints.UnitNorm)
    assert isinstance(constraints.get("min_max_norm"), constraints.MinMaxNorm)


def test_regularized_constrained_training_matches_keras():
    model = mk.Sequential(
        [
            layers.Dense(
                4,
                activation="tanh",
                input_dim=3,
                kernel_regularizer=regularizers.l2(0.05),
                bias_regularizer=regularizers.l1(0.02),
            ),
            layers.Dense(
                2,
                kernel_constraint=constraints.MaxNorm(0.6),
                kernel_regularizer=regularizers.L1L2(0.01, 0.01),
            ),
        ]
    )
    model.set_weights([DATA[f"init_{i}"] for i in range(4)])
    model.compile(optimizer=mk.optimizers.SGD(0.2), loss="mse")
    x, y = DATA["x"], DATA["y"]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        float(DATA["evaluate_before"]), rel=1e-5
    )
    model(x)  # populates model.losses
    got = sorted(float(np.asarray(getattr(v, "value", v))) for v in model.losses)
    np.testing.assert_allclose(got, sorted(DATA["reg_losses_before"]), rtol=1e-5)
    h = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(h.history["loss"], DATA["fit_loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, DATA[f"final_{i}"], rtol=1e-5, atol=1e-7)
