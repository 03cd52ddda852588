"""Keras guide "Writing a training loop from scratch" (TensorFlow flavour).

`tf.GradientTape` records the forward pass, `optimizer.apply_gradients` updates the
weights, and a metric object tracks accuracy per epoch. Synthetic 3-class data replaces
MNIST.

Run: python -m minikeras compat/custom_training_loop.py
Real Keras: needs TensorFlow (not installed for the check); this is tf.keras's guide code.
"""

import numpy as np
import tensorflow as tf
import keras
from keras import layers

inputs = keras.Input(shape=(20,), name="digits")
x1 = layers.Dense(32, activation="relu")(inputs)
x2 = layers.Dense(32, activation="relu")(x1)
outputs = layers.Dense(3, name="predictions")(x2)
model = keras.Model(inputs=inputs, outputs=outputs)

# Instantiate an optimizer.
optimizer = keras.optimizers.SGD(learning_rate=1e-2)
# Instantiate a loss function.
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
# Prepare the metrics.
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

rng = np.random.default_rng(0)
centers = rng.normal(scale=2.0, size=(3, 20))
y_all = rng.integers(0, 3, 1200)
x_all = (centers[y_all] + rng.normal(size=(1200, 20))).astype("float32")
x_train, y_train, x_val, y_val = x_all[:1000], y_all[:1000], x_all[1000:], y_all[1000:]
batch_size = 64

epochs = 3
for epoch in range(epochs):
    print("\nStart of epoch %d" % (epoch,))
    order = rng.permutation(len(x_train))
    # Iterate over the batches of the dataset.
    for step, start in enumerate(range(0, len(x_train), batch_size)):
        idx = order[start : start + batch_size]
        x_batch_train, y_batch_train = x_train[idx], y_train[idx]
        # Open a GradientTape to record the operations run
        # during the forward pass, which enables auto-differentiation.
        with tf.GradientTape() as tape:
            # Run the forward pass of the layer.
            logits = model(x_batch_train, training=True)
            # Compute the loss value for this minibatch.
            loss_value = loss_fn(y_batch_train, logits)
        # Use the gradient tape to automatically retrieve
        # the gradients of the trainable variables with respect to the loss.
        grads = tape.gradient(loss_value, model.trainable_weights)
        # Run one step of gradient descent by updating
        # the value of the variables to minimize the loss.
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        # Update training metric.
        train_acc_metric.update_state(y_batch_train, logits)
        if step % 10 == 0:
            print("Training loss (for one batch) at step %d: %.4f" % (step, float(loss_value)))
    # Display metrics at the end of each epoch.
    train_acc = train_acc_metric.result()
    print("Training acc over epoch: %.4f" % (float(train_acc),))
    # Reset training metrics at the end of each epoch
    train_acc_metric.reset_state()
    # Run a validation loop at the end of each epoch.
    val_logits = model(x_val, training=False)
    val_acc_metric.update_state(y_val, val_logits)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print("Validation acc: %.4f" % (float(val_acc),))
print("Test accuracy:", float(val_acc))
