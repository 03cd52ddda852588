"""`metrics_names`, the history, the callback logs and `evaluate`/`*_on_batch` results
name and order their entries as real Keras 3 does.

`tests/fixtures/trainer_logs/trainer_logs.json` was written by real Keras 3.15
(`make_trainer_logs.py`, TensorFlow backend) running the very cases of
`tests/fixtures/trainer_logs/cases.py` that minikeras runs here.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

import minikeras as keras
from tests.conftest import FIXTURES

HERE = FIXTURES / "trainer_logs"


def _cases_module():
    spec = importlib.util.spec_from_file_location("trainer_log_cases", HERE / "cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KERAS = json.loads((HERE / "trainer_logs.json").read_text())


@pytest.fixture(scope="module")
def ours():
    return _cases_module().run_cases(keras, keras.backend.GradientTape)


@pytest.mark.parametrize("case", sorted(KERAS["cases"]))
def test_names_and_orders_match_keras3(case, ours):
    want, got = KERAS["cases"][case], ours[case]
    assert list(got) == list(want)
    for what in want:
        assert got[what] == want[what], what


def test_fixture_records_keras3_behaviour():
    """The orders the fixture pins down, spelled out: what a reader should expect."""
    cases = KERAS["cases"]
    assert KERAS["keras_version"].startswith("3.")
    assert cases["mae"]["compiled"] == ["loss", "compile_metrics"]
    assert cases["no_metrics"]["fitted"] == ["loss"]
    assert cases["accuracy_mae"]["history"][:3] == ["accuracy", "loss", "mae"]
    assert cases["accuracy_mae"]["evaluate"] == ["loss", "accuracy", "mae"]
    assert cases["two_outputs"]["fitted"] == ["loss", "compile_metrics", "a_loss", "b_loss"]
    assert cases["custom_train_step"]["history"] == ["mae", "loss", "val_loss", "val_mae"]
