"""TensorFlow 2 quickstart for beginners, restated on generated digit-like data.

Run as `python -m minikeras beginner_quickstart.py`: `tensorflow` is minikeras' stand-in.
"""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

print("TensorFlow version:", tf.__version__)

# Stand-in for mnist.load_data(): 10 classes of noisy 28x28 "strokes", pixel values 0-255.
rng = np.random.default_rng(0)
templates = rng.integers(0, 256, size=(10, 28, 28))


def make(n):
    labels = rng.integers(0, 10, size=n)
    images = np.clip(templates[labels] + rng.normal(0, 60, size=(n, 28, 28)), 0, 255)
    return images.astype("uint8"), labels.astype("uint8")


(x_train, y_train), (x_test, y_test) = make(600), make(200)
x_train, x_test = x_train / 255.0, x_test / 255.0

model = tf.keras.models.Sequential(
    [
        tf.keras.layers.Input((28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10),
    ]
)

predictions = model(x_train[:1]).numpy()
print(predictions)
probabilities = tf.nn.softmax(predictions).numpy()
assert probabilities.shape == (1, 10) and abs(probabilities.sum() - 1.0) < 1e-5

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
initial_loss = loss_fn(y_train[:1], predictions).numpy()
print("initial loss", initial_loss)  # about -log(1/10) = 2.3 for an untrained model
assert 1.0 < initial_loss < 4.0

model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, verbose=0)
loss, accuracy = model.evaluate(x_test, y_test, verbose=2)
assert accuracy > 0.9, accuracy

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
out = probability_model(x_test[:5])
print(out)
np.testing.assert_allclose(out.numpy().sum(axis=1), np.ones(5), rtol=1e-5)
print("OK beginner quickstart")
