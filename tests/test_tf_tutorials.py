"""TensorFlow-style tutorials, restated in tests/tf_tutorials/, run by `python -m minikeras`.

Each script is written as the TensorFlow tutorial or guide writes its code
(`import tensorflow as tf`, `tf.keras`, `tf.data`, `tf.GradientTape`, `.numpy()`)
on generated data, asserts what the tutorial shows, and prints `OK <name>` last.
"""

import os
import subprocess
import sys

import pytest

from tests.conftest import subprocess_env

HERE = os.path.join(os.path.dirname(__file__), "tf_tutorials")
SCRIPTS = sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py"))


def test_every_tutorial_of_the_issue_is_restated():
    assert {
        "beginner_quickstart",
        "expert_quickstart",
        "basic_classification",
        "basic_regression",
        "save_and_load",
        "autoencoder",
        "masking_and_padding",
        "training_loop_from_scratch",
        # guides and tutorials restated in the second session
        "guide_basics",
        "guide_tensor",
        "guide_variable",
        "guide_autodiff",
        "advanced_autodiff",
        "text_classification",
    } <= set(SCRIPTS)


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_tutorial_runs_unchanged_under_python_m_minikeras(name, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "minikeras", os.path.join(HERE, name + ".py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert proc.stdout.rstrip().splitlines()[-1].startswith("OK "), proc.stdout[-2000:]
    assert "Traceback" not in proc.stderr
