"""TensorFlow's "basics" guide, restated: tensors, variables, autodiff, tf.Module, a loop.

Tensors and their operators, a variable updated in place, a gradient taken by
a tape, `tf.function`, a quadratic model written as a `tf.Module` and trained
by hand on a `tf.data` pipeline, and the same model as a Keras layer stack.
The values asserted are TensorFlow 2.21's (the script runs under both).
SavedModel export, which the guide also shows, is not part of minikeras.
"""

import numpy as np
import tensorflow as tf

tf.random.set_seed(22)
np.random.seed(22)

x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
assert x.shape.as_list() == [2, 3] and x.dtype == tf.float32
np.testing.assert_array_equal((x + x).numpy(), [[2, 4, 6], [8, 10, 12]])
np.testing.assert_array_equal((5 * x).numpy(), [[5, 10, 15], [20, 25, 30]])
np.testing.assert_array_equal((x @ tf.transpose(x)).numpy(), [[14, 32], [32, 77]])
assert tf.concat([x, x, x], axis=0).shape.as_list() == [6, 3]
np.testing.assert_allclose(
    tf.nn.softmax(x, axis=-1).numpy()[0], [0.09003057, 0.24472848, 0.66524094], rtol=1e-6
)
assert tf.reduce_sum(x).numpy() == 21.0
assert tf.convert_to_tensor([1, 2, 3]).dtype == tf.int32
assert tf.reduce_sum([1, 2, 3]).numpy() == 6
print("GPU" if tf.config.list_physical_devices("GPU") else "no GPU")

var = tf.Variable([0.0, 0.0, 0.0])
var.assign([1, 2, 3])
var.assign_add([1, 1, 1])
np.testing.assert_array_equal(var.numpy(), [2.0, 3.0, 4.0])


def f(x):
    return x**2 + 2 * x - 5


x = tf.Variable(1.0)
assert f(x).numpy() == -2.0
with tf.GradientTape() as tape:
    y = f(x)
assert tape.gradient(y, x).numpy() == 4.0  # 2x + 2 at x = 1


@tf.function
def total(x):
    return tf.reduce_sum(x)


assert total(tf.constant([1, 2, 3])).numpy() == 6
np.testing.assert_allclose(total(tf.constant([10.0, 9.1, 8.2])).numpy(), 27.3, rtol=1e-6)


class Scaler(tf.Module):
    def __init__(self, value):  # no super().__init__(): TensorFlow allows it
        self.weight = tf.Variable(value)

    @tf.function
    def multiply(self, x):
        return x * self.weight


scaler = Scaler(3)
np.testing.assert_array_equal(scaler.multiply(tf.constant([1, 2, 3])).numpy(), [3, 6, 9])
assert [v.numpy() for v in scaler.variables] == [3]

# Noisy samples of f, and a quadratic model fitted to them by hand.
x = tf.cast(tf.linspace(-2, 2, 201), tf.float32)
y = f(x) + tf.random.normal(shape=[201])


class Quadratic(tf.Module):
    def __init__(self):
        super().__init__()
        start = tf.random.uniform(shape=[3], minval=0.0, maxval=5.0, seed=22)
        self.w_q = tf.Variable(start[0])
        self.w_l = tf.Variable(start[1])
        self.b = tf.Variable(start[2])

    @tf.function
    def __call__(self, x):
        return self.w_q * (x**2) + self.w_l * x + self.b


quad_model = Quadratic()
assert quad_model.name == "quadratic"
# Variables are listed in attribute-name order, as TensorFlow lists them.
assert [v is w for v, w in zip(quad_model.variables, [quad_model.b, quad_model.w_l])] == [
    True,
    True,
]
assert len(quad_model.trainable_variables) == 3


def mse_loss(y_pred, y):
    return tf.reduce_mean(tf.square(y_pred - y))


dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(buffer_size=x.shape[0]).batch(32)
learning_rate = 0.01
losses = []
for epoch in range(100):
    for x_batch, y_batch in dataset:
        with tf.GradientTape() as tape:
            batch_loss = mse_loss(quad_model(x_batch), y_batch)
        grads = tape.gradient(batch_loss, quad_model.variables)
        for g, v in zip(grads, quad_model.variables):
            v.assign_sub(learning_rate * g)
    losses.append(mse_loss(quad_model(x), y).numpy())
    if epoch % 20 == 0:
        print(f"Mean squared error for step {epoch}: {losses[-1]:0.3f}")
# The noise has unit variance: a good fit leaves a loss near 1 and recovers f.
assert losses[-1] < 1.3 < losses[0], (losses[0], losses[-1])
np.testing.assert_allclose(
    [quad_model.w_q.numpy(), quad_model.w_l.numpy(), quad_model.b.numpy()],
    [1.0, 2.0, -5.0],
    atol=0.35,
)

# The same model with Keras layers, compiled and fitted.
new_model = tf.keras.Sequential(
    [
        tf.keras.layers.Lambda(lambda x: tf.stack([x, x**2], axis=1)),
        tf.keras.layers.Dense(units=1, kernel_initializer=tf.random.normal),
    ]
)
new_model.compile(loss=tf.keras.losses.MSE, optimizer=tf.keras.optimizers.SGD(learning_rate=0.01))
history = new_model.fit(x, y, epochs=100, batch_size=32, verbose=0)
assert history.history["loss"][-1] < 1.3 < history.history["loss"][0]
print("OK guide basics")
