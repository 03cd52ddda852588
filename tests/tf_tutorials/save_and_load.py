"""Keras save and load tutorial, restated on generated digits.

Weight checkpoints during training (every epoch, then every few batches with the
epoch in the file name), manual `save_weights`/`load_weights`, whole models as
`.keras` and as legacy HDF5.
"""

import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

rng = np.random.default_rng(4)
templates = rng.random((10, 784)).astype("float32")
train_labels = rng.integers(0, 10, size=600)
test_labels = rng.integers(0, 10, size=200)
train_images = templates[train_labels] + 0.5 * rng.random((600, 784)).astype("float32")
test_images = templates[test_labels] + 0.5 * rng.random((200, 784)).astype("float32")


def create_model():
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(64, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


workdir = tempfile.mkdtemp()
os.chdir(workdir)

model = create_model()
model.summary()

checkpoint_path = "training_1/cp.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
cp_callback = tf.keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, save_weights_only=True, verbose=1
)
model.fit(
    train_images,
    train_labels,
    epochs=3,
    validation_data=(test_images, test_labels),
    callbacks=[cp_callback],
    verbose=0,
)
print(os.listdir(checkpoint_dir))
assert os.listdir(checkpoint_dir) == ["cp.weights.h5"]

model = create_model()
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Untrained model, accuracy: {100 * acc:5.2f}%")
model.load_weights(checkpoint_path)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")
assert acc > 0.9

checkpoint_path = "training_2/cp-{epoch:04d}.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
batch_size = 32
n_batches = len(train_images) / batch_size
n_batches = int(np.ceil(n_batches))
cp_callback = tf.keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, verbose=1, save_weights_only=True, save_freq=2 * n_batches
)
model = create_model()
model.save_weights(checkpoint_path.format(epoch=0))
model.fit(
    train_images,
    train_labels,
    epochs=6,
    batch_size=batch_size,
    callbacks=[cp_callback],
    validation_data=(test_images, test_labels),
    verbose=0,
)
saved = sorted(os.listdir(checkpoint_dir))
print(saved)
assert saved == [
    "cp-0000.weights.h5",
    "cp-0002.weights.h5",
    "cp-0004.weights.h5",
    "cp-0006.weights.h5",
], saved
latest = os.path.join(checkpoint_dir, saved[-1])
model = create_model()
model.load_weights(latest)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
assert acc > 0.9

model.save_weights("./checkpoints/my_checkpoint.weights.h5")
model = create_model()
model.load_weights("./checkpoints/my_checkpoint.weights.h5")
loss, acc_manual = model.evaluate(test_images, test_labels, verbose=2)
assert acc_manual == acc

model = create_model()
model.fit(train_images, train_labels, epochs=3, verbose=0)
model.save("my_model.keras")
new_model = tf.keras.models.load_model("my_model.keras")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")
print(new_model.predict(test_images, verbose=0).shape)
np.testing.assert_allclose(
    new_model.predict(test_images, verbose=0), model.predict(test_images, verbose=0), rtol=1e-6
)

model.save("my_model.h5")
h5_model = tf.keras.models.load_model("my_model.h5")
np.testing.assert_allclose(
    h5_model.predict(test_images, verbose=0), model.predict(test_images, verbose=0), rtol=1e-6
)
try:
    tf.saved_model.save(model, "saved_model_dir")
except AttributeError as e:
    print("SavedModel:", e)
    assert "model.save('model.keras')" in str(e)
print("OK save and load")
