"""Generates tests/fixtures/keras_files/k3_compile_objects/ with REAL Keras 3.

Run by hand (not part of the test suite):
    KERAS_BACKEND=jax /path/to/venv/bin/python compat/make_compile_objects_fixture.py

A Keras 3.15.1 model compiled with a loss *object* (label smoothing), a metric
object and a metric string, trained 2 epochs and saved as `.keras`; `io.npz` holds
the data, the prediction and `evaluate()`'s results, so a loader that restores the
compile settings must reproduce the same numbers.
"""

import os

import keras
import numpy as np

OUT = os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "keras_files", "k3_compile_objects"
)

keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="sigmoid")])
model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss=keras.losses.BinaryCrossentropy(label_smoothing=0.1),
    metrics=[keras.metrics.BinaryAccuracy(), "mae"],
)
x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
y = (x[:, :2] > 0).astype("float32")
model.fit(x, y, epochs=2, batch_size=4, verbose=0)
os.makedirs(OUT, exist_ok=True)
model.save(os.path.join(OUT, "model.keras"))
ev = model.evaluate(x, y, verbose=0, return_dict=True)
np.savez(
    os.path.join(OUT, "io.npz"),
    x=x,
    y_true=y,
    y=model.predict(x, verbose=0),
    eval_names=np.array(sorted(ev)),
    eval_values=np.array([ev[k] for k in sorted(ev)]),
    keras_version=np.array(keras.__version__),
)
print(ev)
