"""The Keras-guide-style transfer-learning script (compat/images/) runs unchanged through
`python -m minikeras`: image folder -> dataset -> frozen MobileNetV2 read from the Keras
cache -> new head -> fit -> fine-tune -> save -> reload."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, subprocess_env


@pytest.mark.slow
def test_transfer_learning_guide_script(tmp_path):
    pytest.importorskip("PIL")
    env = subprocess_env()
    env.update(
        KERAS_HOME=str(tmp_path / "keras_home"),
        OPENBLAS_NUM_THREADS="1",
        MINIKERAS_SEED="1234",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    helper = REPO / "compat" / "images" / "make_demo_data.py"
    subprocess.run(
        [sys.executable, str(helper)],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    script = REPO / "compat" / "images" / "transfer_learning_guide.py"
    proc = subprocess.run(
        [sys.executable, "-m", "minikeras", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "Classes: ['cats', 'dogs']" in proc.stdout
    assert "Trainable params: 1281" in proc.stdout  # only the new head while frozen
    accuracy = float(re.search(r"Validation accuracy: ([\d.]+)", proc.stdout).group(1))
    assert accuracy >= 0.75, proc.stdout[-2000:]
    assert "Reloaded predictions match: True" in proc.stdout
    assert (tmp_path / "fine_tuned.keras").exists()
    # The helper never overwrites a weights file already in the cache.
    again = subprocess.run(
        [sys.executable, str(helper)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode != 0 and "not overwriting" in again.stderr
