"""The shared `get`/`serialize`/`deserialize` lookup (minikeras/utils/module_lookup.py).

Expected behaviour checked against Keras 3.15.1: `keras.constraints.get(MaxNorm)` and
`keras.regularizers.get(L2)` return instances; unknown names raise ValueError.
"""

from __future__ import annotations

import pytest

from minikeras import constraints, initializers, regularizers
from minikeras.utils import module_lookup


@pytest.mark.parametrize(
    "module, cls",
    [
        (constraints, constraints.MaxNorm),
        (regularizers, regularizers.L2),
        (initializers, initializers.HeNormal),
    ],
)
def test_get_instantiates_a_class(module, cls):
    assert type(module.get(cls)) is cls


@pytest.mark.parametrize(
    "module, kind",
    [(constraints, "constraint"), (regularizers, "regularizer"), (initializers, "initializer")],
)
def test_unknown_names_raise_with_valid_names(module, kind):
    with pytest.raises(ValueError, match=f"Could not interpret {kind} identifier: 'nope'"):
        module.get("nope")
    with pytest.raises(ValueError, match=f"Unknown {kind}: 'Nope'"):
        module.deserialize({"class_name": "Nope", "config": {}})


def test_custom_objects_resolve_names_and_dicts():
    class Halve(constraints.Constraint):
        def __call__(self, w):
            return w * 0.5

    assert type(constraints.get("Halve", custom_objects={"Halve": Halve})) is Halve
    obj = constraints.deserialize(
        {"class_name": "Halve", "config": {}}, custom_objects={"Halve": Halve}
    )
    assert type(obj) is Halve


def test_serialize_round_trip_keeps_config():
    reg = regularizers.L1L2(l1=0.25, l2=0.5)
    d = regularizers.serialize(reg)
    assert d == {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.25, "l2": 0.5},
        "registered_name": None,
    }
    back = regularizers.deserialize(d)
    assert back.get_config() == reg.get_config()


def test_class_by_name_hint_in_error():
    with pytest.raises(ValueError, match=r"Unknown thing: 'X'\. try harder"):
        module_lookup.class_by_name("X", "thing", {}, hint=" try harder")
