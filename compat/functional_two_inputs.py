"""Keras 3 functional API guide: a model with two inputs and two named outputs.

Per-output losses and `loss_weights` given as dicts, inputs and targets fed as dicts.

Run: python -m minikeras compat/functional_two_inputs.py
Real Keras 3: runs unchanged.
"""

import numpy as np

import keras
from keras import layers

rng = np.random.default_rng(1)
n = 800
features_a = rng.normal(size=(n, 8)).astype("float32")
features_b = rng.normal(size=(n, 4)).astype("float32")
score_target = (features_a[:, :2].sum(axis=1) - features_b[:, 0])[:, None]
label_target = (features_a[:, 0] > 0).astype("int64") + (features_b[:, 1] > 0.5)

input_a = keras.Input(shape=(8,), name="features_a")
input_b = keras.Input(shape=(4,), name="features_b")
x1 = layers.Dense(16, activation="relu")(input_a)
x2 = layers.Dense(8, activation="relu")(input_b)
x = layers.concatenate([x1, x2])
score = layers.Dense(1, name="score")(x)
label = layers.Dense(3, activation="softmax", name="label")(x)
model = keras.Model(inputs=[input_a, input_b], outputs=[score, label])
model.summary()

model.compile(
    optimizer=keras.optimizers.Adam(1e-2),
    loss={"score": "mse", "label": "sparse_categorical_crossentropy"},
    loss_weights={"score": 0.5, "label": 1.0},
    metrics={"label": ["accuracy"]},
)
model.fit(
    {"features_a": features_a[:600], "features_b": features_b[:600]},
    {"score": score_target[:600], "label": label_target[:600]},
    epochs=15,
    batch_size=32,
    verbose=0,
)
results = model.evaluate(
    {"features_a": features_a[600:], "features_b": features_b[600:]},
    {"score": score_target[600:], "label": label_target[600:]},
    verbose=0,
    return_dict=True,
)
print(results)
print("Test accuracy:", results["label_accuracy"])
