"""Keras 2 `examples/mnist_cnn.py` with Keras 2.0 import paths, on synthetic bar images.

`from keras.layers.convolutional import Conv2D, MaxPooling2D` and
`K.image_data_format()` as in the original; 12x12 images of horizontal, vertical or
diagonal bars replace MNIST.

Run: python -m minikeras compat/cnn_keras2_paths.py
Real Keras 3: fails (`keras.layers.convolutional` was removed).
"""

from __future__ import print_function

import numpy as np

import keras
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Flatten
from keras.layers.convolutional import Conv2D, MaxPooling2D
from keras import backend as K

batch_size = 32
num_classes = 3
epochs = 4

# input image dimensions
img_rows, img_cols = 12, 12

rng = np.random.RandomState(0)


def bars(n):
    y = rng.randint(0, num_classes, n)
    x = rng.rand(n, img_rows, img_cols) * 0.3
    for i, label in enumerate(y):
        k = rng.randint(2, 10)
        if label == 0:
            x[i, k, :] = 1.0
        elif label == 1:
            x[i, :, k] = 1.0
        else:
            np.fill_diagonal(x[i], 1.0)
    return (x * 255).astype("uint8"), y


(x_train, y_train), (x_test, y_test) = bars(600), bars(150)

if K.image_data_format() == "channels_first":
    x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
    x_test = x_test.reshape(x_test.shape[0], 1, img_rows, img_cols)
    input_shape = (1, img_rows, img_cols)
else:
    x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
    x_test = x_test.reshape(x_test.shape[0], img_rows, img_cols, 1)
    input_shape = (img_rows, img_cols, 1)

x_train = x_train.astype("float32")
x_test = x_test.astype("float32")
x_train /= 255
x_test /= 255
print("x_train shape:", x_train.shape)

# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = Sequential()
model.add(Conv2D(8, kernel_size=(3, 3), activation="relu", input_shape=input_shape))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(32, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(num_classes, activation="softmax"))

model.compile(loss=keras.losses.categorical_crossentropy, optimizer="adam", metrics=["accuracy"])

model.fit(
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
