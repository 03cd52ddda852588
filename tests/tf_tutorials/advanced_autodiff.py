"""TensorFlow's "advanced automatic differentiation" guide, restated.

Controlling what a tape records (stop_recording, reset, stop_gradient), a
custom gradient, several tapes at once, higher-order gradients (a tape inside
a tape: a second derivative, the gradient of an input-gradient's norm, a
Hessian used for a Newton step), and Jacobians (scalar and tensor sources,
batch Jacobians, and why batch normalization breaks them). The script runs
under real TensorFlow too and asserts the same things there. SavedModel export
of the custom gradient is not part of minikeras.
"""

import numpy as np
import tensorflow as tf

tf.random.set_seed(0)
rng = np.random.default_rng(0)

# What the tape records.
x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
grad = t.gradient(z, {"x": x, "y": y})
assert grad["x"].numpy() == 4.0 and grad["y"] is None

with tf.GradientTape() as t:
    y_sq = y * y
    t.reset()  # forget everything recorded so far
    z = x * x + y_sq
grad = t.gradient(z, {"x": x, "y": y})
assert grad["x"].numpy() == 4.0 and grad["y"] is None

with tf.GradientTape() as t:
    z = x**2 + tf.stop_gradient(y**2)
grad = t.gradient(z, {"x": x, "y": y})
assert grad["x"].numpy() == 4.0 and grad["y"] is None


@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)

    return y, backward


v = tf.Variable(2.0)
with tf.GradientTape() as t:
    output = clip_gradients(v * v)
clipped = t.gradient(output, v)
print("clipped gradient:", clipped)
assert clipped.numpy() == 2.0  # d(v*v)/dv = 4, the upstream 1 clipped to 0.5

# Two tapes over the same computation, each watching its own input.
x0 = tf.constant(0.0)
x1 = tf.constant(0.0)
with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
    tape0.watch(x0)
    tape1.watch(x1)
    ys = tf.reduce_sum(tf.math.sin(x0) + tf.nn.sigmoid(x1))
assert tape0.gradient(ys, x0).numpy() == 1.0  # cos(0)
assert tape1.gradient(ys, x1).numpy() == 0.25  # sigmoid'(0)

# Higher-order gradients: the inner gradient is recorded by the outer tape.
x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)
print("dy_dx:", dy_dx.numpy(), "d2y_dx2:", d2y_dx2.numpy())
assert dy_dx.numpy() == 3.0 and d2y_dx2.numpy() == 6.0

x = tf.random.normal([7, 5])
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
with tf.GradientTape() as t2:
    with tf.GradientTape(watch_accessed_variables=False) as t1:
        t1.watch(x)
        out = tf.reduce_sum(layer(x) ** 2)
    g1 = t1.gradient(out, x)
    g1_mag = tf.norm(g1)
dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)
assert [var.shape.as_list() for var in dg1_mag] == [[5, 10], [10]]
assert all(np.isfinite(var.numpy()).all() for var in dg1_mag)

# Jacobian for a scalar source: the derivative of a sigmoid along a line.
x = tf.linspace(-10.0, 10.0, 200 + 1)
delta = tf.Variable(0.0)
with tf.GradientTape() as tape:
    y = tf.nn.sigmoid(x + delta)
dy_dx = tape.jacobian(y, delta)
assert y.shape == dy_dx.shape == [201]
np.testing.assert_allclose(dy_dx.numpy(), (y * (1 - y)).numpy(), rtol=1e-5, atol=1e-7)

# Jacobian for a tensor source: summed over the target, it is the gradient.
x = tf.random.normal([7, 5])
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
with tf.GradientTape(persistent=True) as tape:
    y = layer(x)
j = tape.jacobian(y, layer.kernel)
assert j.shape.as_list() == [7, 10, 5, 10]
g = tape.gradient(y, layer.kernel)
delta = tf.reduce_max(abs(g - tf.reduce_sum(j, axis=[0, 1]))).numpy()
assert delta < 1e-3, delta

# A Hessian, and one Newton step with it.
x = tf.constant(rng.normal(size=(7, 5)).astype("float32"))
layer1 = tf.keras.layers.Dense(8, activation=tf.nn.relu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.relu)


def loss_of_model():
    return tf.reduce_mean(layer2(layer1(x)) ** 2)


with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        loss = loss_of_model()
    g = t1.gradient(loss, layer1.kernel)
h = t2.jacobian(g, layer1.kernel)
assert tuple(layer1.kernel.shape) == (5, 8) and h.shape.as_list() == [5, 8, 5, 8]
n_params = tf.reduce_prod(layer1.kernel.shape)
g_vec = tf.reshape(g, [n_params, 1])
h_mat = tf.reshape(h, [n_params, n_params])
np.testing.assert_allclose(h_mat.numpy(), h_mat.numpy().T, atol=1e-5)  # symmetric
eps = 1e-3
update = tf.linalg.solve(h_mat + tf.eye(h_mat.shape[0]) * eps, g_vec)
before = loss_of_model().numpy()
layer1.kernel.assign_sub(tf.reshape(update, layer1.kernel.shape))
after = loss_of_model().numpy()
print(f"Newton step: loss {before:.4f} -> {after:.4f}")
assert after < before

# Batch Jacobians: each example's outputs depend only on its own inputs.
x = tf.random.normal([7, 5])
layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)
with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(x)
    y = layer2(layer1(x))
j = tape.jacobian(y, x)
assert j.shape.as_list() == [7, 6, 7, 5]
j_sum = tf.reduce_sum(j, axis=2)
j_select = tf.einsum("bxby->bxy", j)
assert j_sum.shape.as_list() == j_select.shape.as_list() == [7, 6, 5]
jb = tape.batch_jacobian(y, x)
assert jb.shape.as_list() == [7, 6, 5]
assert tf.reduce_max(abs(jb - j_sum)).numpy() < 1e-3

# With batch normalization in training mode the examples mix: not block diagonal.
bn = tf.keras.layers.BatchNormalization()
with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(x)
    y = layer2(bn(layer1(x), training=True))
j = tape.jacobian(y, x)
off_diagonal = tf.reduce_sum(j, axis=2) - tf.einsum("bxby->bxy", j)
assert tf.reduce_max(abs(off_diagonal)).numpy() > 1e-3
assert tape.batch_jacobian(y, x).shape.as_list() == [7, 6, 5]
print("OK advanced autodiff")
