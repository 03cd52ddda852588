"""The same overridden `train_step` in real Keras (JAX) and in minikeras, from the same
weights and batches, ends with the same weights and history (float32 rounding apart)."""

from __future__ import annotations

import json
import subprocess
import textwrap

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.conftest import real_keras_python

STEP = """
class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}
"""

# Real Keras with the TensorFlow backend: `GradientTape` is TensorFlow's.
KERAS_SCRIPT = (
    """
import json, sys
import numpy as np
import keras
from tensorflow import GradientTape
"""
    + STEP
    + """
data = np.load(sys.argv[1])
inputs = keras.Input((5,))
outputs = keras.layers.Dense(1)(keras.layers.Dense(4, activation="tanh")(inputs))
model = CustomModel(inputs, outputs)
model.set_weights([data[f"w{i}"] for i in range(4)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
history = model.fit(data["x"], data["y"], epochs=3, batch_size=8, shuffle=False, verbose=0)
np.savez(sys.argv[2], *model.get_weights())
print(json.dumps({k: [float(v) for v in vs] for k, vs in history.history.items()}))
"""
)


@pytest.mark.oracle
def test_keras3_style_train_step_matches_real_keras(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 5)).astype(np.float32)
    y = rng.normal(size=(32, 1)).astype(np.float32)
    namespace = {"keras": keras, "GradientTape": keras.backend.GradientTape}
    exec(textwrap.dedent(STEP), namespace)  # the very class text real Keras runs
    inputs = keras.Input((5,))
    outputs = layers.Dense(1)(layers.Dense(4, activation="tanh")(inputs))
    model = namespace["CustomModel"](inputs, outputs)
    start = model.get_weights()
    np.savez(tmp_path / "data.npz", x=x, y=y, **{f"w{i}": w for i, w in enumerate(start)})
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)

    script = tmp_path / "real_keras.py"
    script.write_text(KERAS_SCRIPT)
    env = {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin"}
    out = subprocess.run(
        [
            real_keras_python(),
            str(script),
            str(tmp_path / "data.npz"),
            str(tmp_path / "keras_weights.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    keras_history = json.loads(out.stdout.strip().splitlines()[-1])
    # Same keys in the same order: Keras sorts the logs at each level of the step's dict,
    # so the nested `compile_metrics` entry (`mae`) comes before `loss`.
    assert list(keras_history) == list(history.history) == ["mae", "loss"]
    for key, values in keras_history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5)
    with np.load(tmp_path / "keras_weights.npz") as theirs:
        for i, ours in enumerate(model.get_weights()):
            np.testing.assert_allclose(ours, theirs[f"arr_{i}"], rtol=1e-5, atol=1e-6)
