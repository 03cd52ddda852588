"""Shared pytest setup: fresh names and a fixed seed for every test."""

from __future__ import annotations

import os
import pathlib

import pytest
from hypothesis import settings

# The suite is deterministic (same examples on every run and machine); explore more with
# HYPOTHESIS_PROFILE=explore python3 -m pytest tests/test_property_ops.py
settings.register_profile("ci", max_examples=25, derandomize=True, database=None)
settings.register_profile("explore", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
REPO = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_session():
    import minikeras
    from minikeras.layers.naming import reset_names

    reset_names()
    minikeras.utils.set_random_seed(1234)
    yield


@pytest.fixture
def fixtures_dir() -> pathlib.Path:
    return FIXTURES


def subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env
