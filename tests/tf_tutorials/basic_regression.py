"""Keras basic regression (Auto MPG), restated on generated car data without pandas.

A `Normalization` layer adapted to the features, a linear model on one feature,
a DNN on all of them, validation_split training, evaluation, and saving and
reloading the DNN as a `.keras` file.
"""

import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

np.set_printoptions(precision=3, suppress=True)

rng = np.random.default_rng(3)
n = 300
cylinders = rng.choice([4, 6, 8], size=n)
displacement = cylinders * 40 + rng.normal(0, 20, n)
horsepower = displacement * 0.5 + rng.normal(0, 10, n)
weight = 1500 + displacement * 8 + rng.normal(0, 200, n)
mpg = 45 - 0.08 * horsepower - 0.004 * weight + rng.normal(0, 1.5, n)
features = np.stack([cylinders, displacement, horsepower, weight], axis=1).astype("float32")
labels = mpg.astype("float32")
train_features, test_features = features[:240], features[240:]
train_labels, test_labels = labels[:240], labels[240:]

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features))
print(normalizer.mean.numpy())
np.testing.assert_allclose(
    np.ravel(normalizer.mean.numpy()), train_features.mean(axis=0), rtol=1e-4
)
first = np.array(train_features[:1])
print("First example:", first)
print("Normalized:", normalizer(first).numpy())

hp = np.array(train_features[:, 2])
horsepower_normalizer = layers.Normalization(input_shape=[1], axis=None)
horsepower_normalizer.adapt(hp)
horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
horsepower_model.summary()
print(horsepower_model.predict(hp[:10], verbose=0))
horsepower_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error"
)
history = horsepower_model.fit(hp, train_labels, epochs=60, verbose=0, validation_split=0.2)
hist = history.history
print("last losses", hist["loss"][-1], hist["val_loss"][-1])
assert hist["loss"][-1] < hist["loss"][0]
test_results = {
    "horsepower_model": horsepower_model.evaluate(test_features[:, 2], test_labels, verbose=0)
}

x = tf.linspace(0.0, 250, 251)
y = horsepower_model.predict(x, verbose=0)
assert y.shape == (251, 1)


def build_and_compile_model(norm):
    model = keras.Sequential(
        [
            norm,
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.001))
    return model


dnn_model = build_and_compile_model(normalizer)
history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=80)
test_results["dnn_model"] = dnn_model.evaluate(test_features, test_labels, verbose=0)
print(test_results)
assert test_results["dnn_model"] < 3.0, test_results

test_predictions = dnn_model.predict(test_features, verbose=0).flatten()
error = test_predictions - test_labels
print("mean error", float(np.mean(error)))

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "dnn_model.keras")
    dnn_model.save(path)
    reloaded = tf.keras.models.load_model(path)
    test_results["reloaded"] = reloaded.evaluate(test_features, test_labels, verbose=0)
np.testing.assert_allclose(test_results["reloaded"], test_results["dnn_model"], rtol=1e-6)
print("OK basic regression")
