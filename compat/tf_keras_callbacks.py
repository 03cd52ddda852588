"""TensorFlow 2 style: `import tensorflow as tf; from tensorflow import keras`, a custom callback.

The classic `LossHistory(keras.callbacks.Callback)` recording per-batch losses, a
regression `keras.Sequential` with `validation_split`, and `tf.random.set_seed`.

Run: python -m minikeras compat/tf_keras_callbacks.py
Real Keras: needs TensorFlow (not installed for the check); the Keras API used is TF 2.x's.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras

tf.random.set_seed(42)
print("TensorFlow version:", tf.__version__)


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.losses = []
        self.val_losses = []

    def on_batch_end(self, batch, logs=None):
        self.losses.append(logs.get("loss"))

    def on_epoch_end(self, epoch, logs=None):
        self.val_losses.append(logs.get("val_loss"))


rng = np.random.default_rng(0)
x = rng.uniform(-2, 2, (500, 4)).astype("float32")
y = (np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] - x[:, 3])[:, None].astype("float32")

model = keras.Sequential(
    [
        keras.layers.Dense(32, activation="relu", input_shape=(4,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
history = LossHistory()
model.fit(x, y, epochs=20, batch_size=32, validation_split=0.2, callbacks=[history], verbose=0)
print("Batches seen:", len(history.losses), "epochs:", len(history.val_losses))
print("First/last validation loss: %.4f / %.4f" % (history.val_losses[0], history.val_losses[-1]))
print("Test loss:", history.val_losses[-1])
