"""Every public serializable class round-trips through `get_config`/`from_config` and
through its module's `serialize`/`deserialize` (issue #8)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minikeras
from minikeras import (
    constraints,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
)

# Constructor arguments for classes that have required parameters.
REQUIRED_ARGS = {
    "Constant": {"value": 0.5},
    "MeanMetricWrapper": {"fn": minikeras.losses.mean_squared_error},
    "LossFunctionWrapper": {"fn": minikeras.losses.mean_squared_error},
    "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9},
    "PiecewiseConstantDecay": {"boundaries": [10, 20], "values": [0.1, 0.05, 0.01]},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 10},
    "MeanIoU": {"num_classes": 3},
    "IoU": {"num_classes": 3, "target_class_ids": [0]},
    "OneHotIoU": {"num_classes": 3, "target_class_ids": [0]},
    "OneHotMeanIoU": {"num_classes": 3},
    "BinaryIoU": {},
    "SpecificityAtSensitivity": {"sensitivity": 0.5},
    "SensitivityAtSpecificity": {"specificity": 0.5},
    "PrecisionAtRecall": {"recall": 0.5},
    "RecallAtPrecision": {"precision": 0.5},
    "FBetaScore": {},
}

# Abstract bases (not meant to be instantiated) per module.
ABSTRACT = {
    "Loss",
    "Metric",
    "Optimizer",
    "Initializer",
    "Regularizer",
    "Constraint",
    "LearningRateSchedule",
    "Reduction",
    "BaseOptimizer",
}

MODULES = {
    "initializers": initializers,
    "regularizers": regularizers,
    "constraints": constraints,
    "losses": losses,
    "metrics": metrics,
    "optimizers": optimizers,
    "schedules": getattr(optimizers, "schedules", None),
}


def _classes():
    cases = []
    for mod_name, module in MODULES.items():
        if module is None:
            continue
        seen = set()
        for name in sorted(dir(module)):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and obj.__module__.startswith("minikeras")
                and hasattr(obj, "get_config")
                and name not in ABSTRACT
                and not name.startswith("_")
                and name == obj.__name__
                and obj not in seen
            ):
                seen.add(obj)
                cases.append(pytest.param(mod_name, obj, id=f"{mod_name}.{name}"))
    return cases


def _comparable(config):
    """Configs compared after JSON-like normalisation (tuples → lists, numpy → python)."""
    if isinstance(config, dict):
        return {k: _comparable(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_comparable(v) for v in config]
    if isinstance(config, np.generic):
        return config.item()
    if isinstance(config, np.ndarray):
        return config.tolist()
    return config


@pytest.mark.parametrize("mod_name,cls", _classes())
def test_get_config_from_config_round_trip(mod_name, cls):
    obj = cls(**REQUIRED_ARGS.get(cls.__name__, {}))
    config = obj.get_config()
    clone = cls.from_config(config)
    assert type(clone) is cls
    assert _comparable(clone.get_config()) == _comparable(config)


@pytest.mark.parametrize("mod_name,cls", _classes())
def test_module_serialize_deserialize_round_trip(mod_name, cls):
    module = MODULES[mod_name]
    obj = cls(**REQUIRED_ARGS.get(cls.__name__, {}))
    data = module.serialize(obj)
    clone = module.deserialize(data)
    assert type(clone) is cls
    assert _comparable(clone.get_config()) == _comparable(obj.get_config())
