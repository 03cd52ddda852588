"""Training with the standard callbacks: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau.

The best model (by validation loss) is saved to `best_model.keras` during training, then
reloaded with `keras.models.load_model` and evaluated. Synthetic noisy tabular data.

Run: python -m minikeras compat/callbacks_checkpoint.py
Real Keras 3: runs unchanged.
"""

import numpy as np

import keras
from keras import layers
from keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau

rng = np.random.default_rng(0)
x = rng.normal(size=(1000, 10)).astype("float32")
logits = x[:, 0] - 2 * x[:, 1] + x[:, 2] * x[:, 3] + rng.normal(scale=1.0, size=1000)
y = (logits > 0).astype("float32")
x_train, y_train, x_test, y_test = x[:800], y[:800], x[800:], y[800:]

model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        layers.Dense(64, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(64, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)

callbacks = [
    EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True),
    ModelCheckpoint("best_model.keras", monitor="val_loss", save_best_only=True),
    ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-4),
]
history = model.fit(
    x_train,
    y_train,
    epochs=100,
    batch_size=32,
    validation_split=0.2,
    callbacks=callbacks,
    verbose=0,
)
print("Stopped after", len(history.history["loss"]), "epochs")
print("Final learning rate:", float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))

best = keras.models.load_model("best_model.keras")
loss, acc = best.evaluate(x_test, y_test, verbose=0)
print("Test accuracy:", acc)
