"""Keras 2 generator training: `fit_generator`, `evaluate_generator`, `keras.utils.Sequence`.

A Python generator and a `Sequence` subclass feed mini-batches of a synthetic
two-moons-like problem; `predict_classes` reads the answers.

Run: python -m minikeras compat/fit_generator_keras2.py
Real Keras 3: fails (`fit_generator`, `predict_classes` and `workers=` were removed).
"""

import math

import numpy as np
import keras
from keras.models import Sequential
from keras.layers import Dense
from keras.utils import Sequence

np.random.seed(0)
keras.utils.set_random_seed(0)  # tf.keras >= 2.7
X = np.random.uniform(-1, 1, (1200, 2)).astype("float32")
Y = ((X[:, 0] ** 2 + X[:, 1] ** 2) < 0.5).astype("float32")
X_train, Y_train, X_test, Y_test = X[:1000], Y[:1000], X[1000:], Y[1000:]


def batch_generator(x, y, batch_size):
    while True:
        idx = np.random.randint(0, len(x), batch_size)
        yield x[idx], y[idx]


class TestBatches(Sequence):
    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(math.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        sl = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[sl], self.y[sl]


model = Sequential()
model.add(Dense(64, input_dim=2, activation="relu"))
model.add(Dense(64, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(
    loss="binary_crossentropy", optimizer=keras.optimizers.Adam(lr=0.01), metrics=["accuracy"]
)

model.fit_generator(batch_generator(X_train, Y_train, 32), steps_per_epoch=40, epochs=8, verbose=2)
model.fit(
    TestBatches(X_train, Y_train, 50), epochs=2, verbose=0, workers=1, use_multiprocessing=False
)
loss, acc = model.evaluate_generator(TestBatches(X_test, Y_test, 50), steps=4)
print("Generator test accuracy:", acc)
classes = model.predict_classes(X_test)
print("Test accuracy:", np.mean(classes[:, 0] == Y_test))
