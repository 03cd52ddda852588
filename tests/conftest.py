"""Shared pytest setup: fresh names and a fixed seed for every test."""

from __future__ import annotations

import glob
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
    from minikeras.utils.naming import reset_names

    reset_names()
    minikeras.utils.set_random_seed(1234)
    yield


@pytest.fixture
def forks(monkeypatch) -> list:
    """The pids of the processes this process forks from now on (`os.fork` recorded)."""
    pids = []
    real_fork = os.fork

    def recording_fork():
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids


@pytest.fixture
def fixtures_dir() -> pathlib.Path:
    return FIXTURES


def subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def real_keras_python() -> str | None:
    """An interpreter with real Keras 3 installed, for `@pytest.mark.oracle` tests.

    `$MINIKERAS_ORACLE_PYTHON` if set, else `/opt/kvenv/bin/python` when that
    environment has a `keras` package; None when neither is there.
    """
    python = os.environ.get("MINIKERAS_ORACLE_PYTHON", "/opt/kvenv/bin/python")
    if not os.path.exists(python):
        return None
    root = os.path.dirname(os.path.dirname(python))
    if not glob.glob(os.path.join(root, "lib", "python*", "site-packages", "keras")):
        return None
    return python


def pytest_collection_modifyitems(config, items):
    """Skips `oracle` tests cleanly when no real Keras interpreter is found."""
    if real_keras_python() is not None:
        return
    skip = pytest.mark.skip(reason="needs a real Keras install (set MINIKERAS_ORACLE_PYTHON)")
    for item in items:
        if "oracle" in item.keywords:
            item.add_marker(skip)
