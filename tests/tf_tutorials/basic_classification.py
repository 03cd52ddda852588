"""Keras basic classification (Fashion MNIST), restated on generated 28x28 "garments".

The tutorial's model, training, evaluation, the probability model and the
single-image prediction with `np.expand_dims`; its matplotlib plots are left out.
"""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

print(tf.__version__)
class_names = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

rng = np.random.default_rng(2)
shapes = rng.integers(0, 256, size=(10, 28, 28))


def load(n):
    labels = rng.integers(0, 10, size=n).astype("uint8")
    noise = rng.normal(0, 50, size=(n, 28, 28))
    return np.clip(shapes[labels] + noise, 0, 255).astype("uint8"), labels


(train_images, train_labels), (test_images, test_labels) = load(500), load(100)
assert train_images.shape == (500, 28, 28) and len(train_labels) == 500
train_images = train_images / 255.0
test_images = test_images / 255.0

model = tf.keras.Sequential(
    [
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10),
    ]
)
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(train_images, train_labels, epochs=3, verbose=0)

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print("\nTest accuracy:", test_acc)
assert test_acc > 0.9

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images, verbose=0)
assert isinstance(predictions, np.ndarray) and predictions.shape == (100, 10)
print(predictions[0], np.argmax(predictions[0]), class_names[np.argmax(predictions[0])])
assert (np.argmax(predictions, axis=1) == test_labels).mean() == test_acc

img = test_images[1]
img = np.expand_dims(img, 0)
assert img.shape == (1, 28, 28)
predictions_single = probability_model.predict(img, verbose=0)
assert np.argmax(predictions_single[0]) == np.argmax(predictions[1])
print("OK basic classification")
