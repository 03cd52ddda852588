"""keras.io-style scripts run unchanged (`import keras`) through `python -m minikeras`."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

SCRIPTS = Path(__file__).parent / "fixtures" / "keras_io_scripts"


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.py")))
def test_script_runs_through_python_m_minikeras(script, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "minikeras", str(SCRIPTS / script)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
