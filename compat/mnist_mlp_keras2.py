"""Keras 2 `examples/mnist_mlp.py`, on synthetic digits so that it runs offline.

Only the data loading differs from the original example: 28x28 uint8 images of
noisy per-class prototypes stand in for `mnist.load_data()`.

Run: python -m minikeras compat/mnist_mlp_keras2.py
Real Keras 3: runs unchanged.
"""

from __future__ import print_function

import numpy as np

import keras
from keras.models import Sequential
from keras.layers import Dense, Dropout
from keras.optimizers import RMSprop

batch_size = 128
num_classes = 10
epochs = 3

# the data, split between train and test sets (synthetic stand-in for mnist.load_data())
rng = np.random.RandomState(0)
prototypes = rng.randint(0, 256, (num_classes, 28, 28))


def fake_mnist(n):
    y = rng.randint(0, num_classes, n)
    x = np.clip(prototypes[y] + rng.normal(0, 90, (n, 28, 28)), 0, 255).astype("uint8")
    return x, y.astype("uint8")


(x_train, y_train), (x_test, y_test) = fake_mnist(2000), fake_mnist(500)

x_train = x_train.reshape(2000, 784)
x_test = x_test.reshape(500, 784)
x_train = x_train.astype("float32")
x_test = x_test.astype("float32")
x_train /= 255
x_test /= 255
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")

# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = Sequential()
model.add(Dense(512, activation="relu", input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(512, activation="relu"))
model.add(Dropout(0.2))
model.add(Dense(num_classes, activation="softmax"))

model.summary()

model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])

history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    verbose=2,
    validation_data=(x_test, y_test),
)
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
