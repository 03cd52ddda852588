"""Keras 3 guide "Making new layers and models via subclassing".

A `Linear` layer with `build`/`add_weight`, a layer that calls `add_loss`, and an
`MLP(keras.Model)` with layers created in `__init__` and the forward pass in `call()`,
trained with `fit`.

Run: python -m minikeras compat/subclassed_model.py
Real Keras 3: runs unchanged.
"""

import numpy as np

import keras
from keras import layers, ops


class Linear(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class ActivityRegularizationLayer(layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class MLP(keras.Model):
    def __init__(self, num_classes=3):
        super().__init__()
        self.linear_1 = Linear(32)
        self.regularization = ActivityRegularizationLayer(1e-3)
        self.linear_2 = Linear(num_classes)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = ops.relu(x)
        x = self.regularization(x)
        return self.linear_2(x)


rng = np.random.default_rng(0)
x = rng.normal(size=(900, 6)).astype("float32")
y = np.digitize(x[:, 0] + 0.5 * x[:, 1], [-0.5, 0.5])

mlp = MLP()
mlp.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
mlp.fit(x[:700], y[:700], epochs=10, batch_size=32, verbose=0)
print("Trainable weights:", len(mlp.trainable_weights))
loss, acc = mlp.evaluate(x[700:], y[700:], verbose=0)
print("Test accuracy:", acc)
