"""The generated support table (docs/support.md) matches minikeras as it is now.

If this fails after you added or removed a public name, regenerate the table and commit it:

    python scripts/support/make_support_table.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import minikeras
from minikeras.cli import check, support_data
from tests.conftest import REPO

TABLE = REPO / "docs" / "support.md"
ROW = re.compile(r"^\| `([^`]+)` \| (\w+) \| (supported|partial|not supported) \|", re.M)


@pytest.fixture(scope="module")
def committed():
    return TABLE.read_text(encoding="utf8")


def test_committed_table_is_what_the_generator_writes_now():
    # A fresh process, as the lead runs it: the table does not depend on what the test
    # session happens to have imported.
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "support" / "make_support_table.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_the_name_list_is_the_committed_real_keras_dump():
    rows = support_data.keras_names()
    assert support_data.header().startswith("Public names of keras 3.15.1, tf_keras 2.")
    sources = {r.source for r in rows}
    assert sources == {"keras3", "tf_keras", "tensorflow"}
    names = {r.name: r for r in rows}
    # Facts about real Keras 3.15 (not about minikeras).
    assert names["keras.layers.Dense"].source == "keras3"
    assert names["keras.layers.Dense"].arguments[:2] == ("units", "activation")
    assert names["keras.backend.sum"].source == "tf_keras"  # K.sum: Keras 2 only
    assert "keras.layers.Convolution2D" in names and "keras.utils.np_utils" not in names
    assert names["tensorflow.reduce_sum"].kind == "function"


def test_every_export_is_in_the_table_and_every_claim_holds(committed):
    rows = {name: status for name, _, status in ROW.findall(committed)}
    extras = set(re.findall(r"^\| `([^`]+)` \|$", committed, re.M))
    # Every layer minikeras exports is listed: as a Keras name or as a minikeras extra.
    for name in minikeras.layers.__all__ if hasattr(minikeras.layers, "__all__") else []:
        if not name.startswith("_"):
            full = f"keras.layers.{name}"
            assert full in extras or rows.get(full) in ("supported", "partial"), full
    # What the table claims supported, minikeras has; what it calls missing, it lacks.
    for name, status in rows.items():
        assert check.exists(name) == (status != "not supported"), (name, status)
    for name in extras:
        assert check.exists(name), name


def test_known_verdicts(committed):
    rows = {name: (kind, status) for name, kind, status in ROW.findall(committed)}
    assert rows["keras.layers.Dense"] == ("class", "partial")  # no LoRA / quantization
    assert "lacks `lora_rank`" in committed.split("| `keras.layers.Dense` |")[1].split("\n")[0]
    assert rows["keras.layers.Dropout"] == ("class", "supported")
    assert rows["keras.layers.LSTM"] == ("class", "supported")  # every argument, since #21
    assert rows["keras.optimizers.SGD"][1] == "supported"
    assert rows["keras.distribution.DeviceMesh"][1] == "not supported"
