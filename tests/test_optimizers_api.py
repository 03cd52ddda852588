"""Optimizer API: names, legacy arguments, config round trips, schedules (Keras 3.15.1 values)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend.variable import Variable
from minikeras.optimizers import schedules
from tests.conftest import FIXTURES

NAMES = [
    "sgd",
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adafactor",
    "ftrl",
    "lion",
    "lamb",
]


@pytest.mark.parametrize("name", NAMES)
def test_string_names_and_config_round_trip(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    clone = optimizers.deserialize(optimizers.serialize(opt))
    assert type(clone) is type(opt)
    assert clone.get_config() == opt.get_config()


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Valid names are.*rmsprop"):
        optimizers.get("adamm")


def test_keras3_default_names():
    assert optimizers.RMSprop().name == "rm_sprop"
    assert optimizers.AdamW().name == "adam_w"
    assert optimizers.SGD().name == "sgd"


def _one_step(opt, grad, w0):
    v = Variable(np.array(w0, np.float32), name="w")
    for g in grad:
        opt.apply([np.array(g, np.float32)], [v])
    return v.value


def test_legacy_lr_and_decay_keras2_semantics():
    with pytest.warns(DeprecationWarning) as record:
        opt = optimizers.SGD(lr=0.5, decay=0.25)
    assert any("`lr`" in str(r.message) for r in record)
    # Keras 2: lr_t = lr / (1 + decay * iterations); iterations = 0, 1, 2
    w = _one_step(opt, [[1.0], [1.0], [1.0]], [0.0])
    expected = -(0.5 / 1.0 + 0.5 / 1.25 + 0.5 / 1.5)
    np.testing.assert_allclose(w, [expected], rtol=1e-6)


def test_decay_warns():
    with pytest.warns(DeprecationWarning, match="decay"):
        optimizers.Adam(decay=0.1)


def test_legacy_namespace_classes():
    from minikeras.optimizers import legacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        opt = legacy.Adam(lr=0.01)
    assert isinstance(opt, optimizers.Adam)
    assert float(opt.learning_rate) == pytest.approx(0.01)


def test_hand_computed_adagrad_and_rmsprop_step():
    # Adagrad: acc = 0.1 + g^2; w -= lr * g / sqrt(acc + eps)
    w = _one_step(optimizers.Adagrad(learning_rate=0.1), [[2.0]], [1.0])
    np.testing.assert_allclose(w, [1.0 - 0.1 * 2.0 / np.sqrt(4.1 + 1e-7)], rtol=1e-6)
    # RMSprop: v = 0.1 * g^2; w -= lr * g / sqrt(v + eps)
    w = _one_step(optimizers.RMSprop(learning_rate=0.1), [[2.0]], [1.0])
    np.testing.assert_allclose(w, [1.0 - 0.1 * 2.0 / np.sqrt(0.4 + 1e-7)], rtol=1e-6)


def test_only_one_clip_option():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_unknown_argument():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(beta3=0.1)


SCHED = json.loads((FIXTURES / "keras_generated" / "schedules.json").read_text())


@pytest.mark.parametrize("key", sorted(SCHED))
def test_schedule_values_match_keras(key):
    spec = SCHED[key]
    sched = getattr(schedules, spec["class_name"])(**spec["kwargs"])
    got = [float(sched(step)) for step in range(len(spec["values"]))]
    np.testing.assert_allclose(got, spec["values"], rtol=1e-6, atol=1e-9)
    # Keras' serialized config deserializes to the same schedule
    clone = schedules.deserialize(spec["config"])
    assert [float(clone(s)) for s in range(5)] == got[:5]
    assert schedules.serialize(clone)["config"] == spec["config"]["config"]


def test_schedule_as_learning_rate_serializes():
    sched = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=sched)
    cfg = optimizers.serialize(opt)
    assert cfg["config"]["learning_rate"]["class_name"] == "InverseTimeDecay"
    clone = optimizers.deserialize(cfg)
    assert isinstance(clone._schedule, schedules.InverseTimeDecay)


def test_schedule_bad_arguments():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.CosineDecay(0.1, decay_steps=0)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1])


def test_learning_rate_setter_rules():
    opt = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.01
    rate = {"value": 0.5}
    opt = optimizers.SGD(learning_rate=lambda: rate["value"])  # zero-argument callable
    w = _one_step(opt, [[1.0]], [0.0])
    rate["value"] = 0.25
    opt.apply([np.array([1.0], np.float32)], [opt._trainable_variables[0]])
    np.testing.assert_allclose(opt._trainable_variables[0].value, [-0.75])
    assert w is not None
    opt = optimizers.Adam(0.1)
    opt.learning_rate = 0.02
    assert float(opt.learning_rate) == pytest.approx(0.02)
    assert opt.learning_rate is opt.variables[1]  # the Keras `learning_rate` variable


def test_keras2_documented_signatures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        opts = [
            optimizers.Adam(
                lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False
            ),
            optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0),
            optimizers.Adagrad(lr=0.01, epsilon=None, decay=0.0),
            optimizers.Adadelta(lr=1.0, rho=0.95, epsilon=None, decay=0.0),
            optimizers.Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0),
            optimizers.Nadam(
                lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004
            ),
            optimizers.SGD(lr=0.01, momentum=0.9, decay=1e-6, nesterov=True),
        ]
    for opt in opts:
        assert getattr(opt, "epsilon", 1e-7) == 1e-7
        w = _one_step(opt, [[0.5], [0.5]], [1.0])
        assert np.all(np.isfinite(w)) and w[0] < 1.0


def test_keras22_config_with_lr_key():
    # optimizer config as stored in a Keras 2.2 HDF5 file's training_config
    cfg = {
        "class_name": "SGD",
        "config": {"lr": 0.25, "momentum": 0.5, "decay": 0.0, "nesterov": False},
    }
    opt = optimizers.deserialize(cfg)
    assert float(opt.learning_rate) == pytest.approx(0.25) and opt.momentum == 0.5


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: optimizers.Adam(use_ema=True, ema_momentum=2.0), r"`ema_momentum` must be"),
        (lambda: optimizers.Adam(gradient_accumulation_steps=1), r"integer >= 2.*=1$"),
        (lambda: optimizers.Adam(gradient_accumulation_steps=1.5), r"integer >= 2.*=1.5"),
        (lambda: optimizers.SGD(learning_rate=None), r"`learning_rate` should be float"),
    ],
)
def test_optimizer_arguments_keras_refuses_are_refused(make, match):
    """Keras 3.15's own messages; an accumulation of 1.5 steps used to make no update at all."""
    with pytest.raises(ValueError, match=match):
        make()
    assert optimizers.Adam(gradient_accumulation_steps=0).gradient_accumulation_steps == 0
