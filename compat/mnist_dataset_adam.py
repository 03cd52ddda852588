"""Keras 3 "Simple MNIST" style MLP that loads data with `keras.datasets.mnist.load_data()`.

The data comes from the Keras cache (`$KERAS_HOME/datasets/mnist.npz`). Offline, create a
synthetic stand-in first: `python compat/make_fake_keras_cache.py` (with KERAS_HOME set
to a scratch folder, so that a real cached MNIST is never overwritten).

Run: KERAS_HOME=/tmp/kh python -m minikeras compat/mnist_dataset_adam.py
Real Keras 3: runs unchanged on the real MNIST file (a synthetic file fails Keras's hash
check, which makes Keras re-download it).
"""

import keras
from keras import layers

# Model / data parameters
num_classes = 10
input_shape = (784,)

# Load the data and split it between train and test sets
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

# Scale images to the [0, 1] range
x_train = x_train.astype("float32").reshape(-1, 784) / 255
x_test = x_test.astype("float32").reshape(-1, 784) / 255
print("x_train shape:", x_train.shape)
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")

# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()

batch_size = 64
epochs = 4
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=2)

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
