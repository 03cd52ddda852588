"""Models built on an application, saved as `.keras` (read by real Keras 3) and `.h5`
(read by tf_keras), and Keras 3's `.keras`/`.h5` load in minikeras (oracle: needs a real Keras install, found at
$KERAS_PYTHON or /opt/kvenv/bin/python; skipped without one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import applications, layers, models

HERE = FIXTURES / "applications"
sys.path.insert(0, str(HERE))
from seeded import seeded_input  # noqa: E402

KERAS_PYTHON = os.environ.get("KERAS_PYTHON", "/opt/kvenv/bin/python")
pytestmark = [
    pytest.mark.oracle,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(KERAS_PYTHON), reason="no real Keras install"),
]

KERAS_SIDE = r"""
import json, sys
import numpy as np
mode, folder = sys.argv[1], sys.argv[2]
x = np.load(folder + "/x.npy")
out = {}
if mode == "load":
    import keras
    # Keras 3 cannot read a nested model from a Keras 2 .h5 (tf_keras's own files fail the
    # same way: their node index 1 for a nested model's first call), so .h5 goes to tf_keras.
    out["keras3 model.keras"] = keras.models.load_model(folder + "/model.keras").predict(
        x, verbose=0).tolist()
    import tf_keras
    out["tf_keras model.h5"] = tf_keras.models.load_model(folder + "/model.h5").predict(
        x, verbose=0).tolist()
else:
    import keras
    base = keras.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25,
                                        include_top=False, weights=folder + "/tiny.h5")
    inputs = keras.Input((32, 32, 3))
    y = keras.layers.GlobalAveragePooling2D()(base(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(y))
    model.get_layer("head").set_weights([np.full((256, 2), 0.01, "float32"),
                                         np.array([0.5, -0.5], "float32")])
    model.save(folder + "/theirs.keras")
    model.save(folder + "/theirs.h5")
    out["keras3"] = model.predict(x, verbose=0).tolist()
print("JSON" + json.dumps(out))
"""


def _keras(mode, folder):
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [KERAS_PYTHON, "-c", KERAS_SIDE, mode, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("JSON")][-1]
    return {k: np.asarray(v) for k, v in json.loads(line[4:]).items()}


def test_minikeras_files_load_in_keras3_and_tf_keras(tmp_path):
    base = applications.MobileNet(
        input_shape=(32, 32, 3),
        alpha=0.25,
        include_top=False,
        weights=str(HERE / "mobilenet_2_5_tiny_no_top.h5"),
    )
    inputs = layers.Input((32, 32, 3))
    x = layers.GlobalAveragePooling2D()(base(inputs))
    model = models.Model(inputs, layers.Dense(3)(x))
    x = seeded_input((32, 32, 3))
    np.save(tmp_path / "x.npy", x)
    model.save(tmp_path / "model.keras")
    model.save(tmp_path / "model.h5")
    want = model.predict(x, verbose=0)
    for name, got in _keras("load", tmp_path).items():
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)


def test_keras3_files_load_in_minikeras(tmp_path):
    import shutil

    shutil.copy(HERE / "mobilenet_2_5_tiny_no_top.h5", tmp_path / "tiny.h5")
    x = seeded_input((32, 32, 3))
    np.save(tmp_path / "x.npy", x)
    want = _keras("save", tmp_path)["keras3"]
    for name in ("theirs.keras", "theirs.h5"):
        got = models.load_model(tmp_path / name).predict(x, verbose=0)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)
