"""TensorFlow's "introduction to gradients and automatic differentiation" guide, restated.

Gradients of scalars, of variables and of a Keras layer, what a tape watches,
persistent tapes, non-scalar targets, control flow, and every case where the
guide shows a gradient of None (or an error) and why. The script runs under
real TensorFlow too and asserts the same values there.
"""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
assert tape.gradient(y, x).numpy() == 6.0

w = tf.Variable(tf.random.normal((3, 2)), name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x = [[1.0, 2.0, 3.0]]
with tf.GradientTape(persistent=True) as tape:
    y = x @ w + b
    loss = tf.reduce_mean(y**2)
[dl_dw, dl_db] = tape.gradient(loss, [w, b])
assert dl_dw.shape == w.shape
np.testing.assert_allclose(dl_db.numpy(), (y[0]).numpy(), rtol=1e-6)  # d mean(y^2)/db = y
grad = tape.gradient(loss, {"w": w, "b": b})
np.testing.assert_allclose(grad["w"].numpy(), dl_dw.numpy())

layer = tf.keras.layers.Dense(2, activation="relu")
x = tf.constant([[1.0, 2.0, 3.0]])
with tf.GradientTape() as tape:
    y = layer(x)
    loss = tf.reduce_mean(y**2)
grad = tape.gradient(loss, layer.trainable_variables)
assert [g.shape for g in grad] == [v.shape for v in layer.trainable_variables]

# What is watched: trainable variables, not constants, non-trainable variables or copies.
x0 = tf.Variable(3.0, name="x0")
x1 = tf.Variable(3.0, name="x1", trainable=False)
x2 = tf.Variable(2.0, name="x2") + 1.0
x3 = tf.constant(3.0, name="x3")
with tf.GradientTape() as tape:
    y = (x0**2) + (x1**2) + (x2**2)
grad = tape.gradient(y, [x0, x1, x2, x3])
assert grad[0].numpy() == 6.0 and grad[1:] == [None, None, None]
assert [var.name.split(":")[0] for var in tape.watched_variables()] == ["x0"]

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x**2
assert tape.gradient(y, x).numpy() == 6.0

x0 = tf.Variable(0.0)
x1 = tf.Variable(10.0)
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(x1)
    y0 = tf.math.sin(x0)
    y1 = tf.nn.softplus(x1)
    ys = y0 + y1
    ys = tf.reduce_sum(ys)
grad = tape.gradient(ys, {"x0": x0, "x1": x1})
assert grad["x0"] is None
np.testing.assert_allclose(grad["x1"].numpy(), 0.9999546, rtol=1e-6)

# Intermediate results, persistent tapes.
x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
    z = y * y
assert tape.gradient(z, y).numpy() == 18.0

x = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * x
    z = y * y
np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [4.0, 108.0])
np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 6.0])
del tape

# Non-scalar targets: gradients of a sum, of several targets, elementwise.
x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    y0 = x**2
    y1 = 1 / x
assert tape.gradient(y0, x).numpy() == 4.0 and tape.gradient(y1, x).numpy() == -0.25
assert tape.gradient({"y0": y0, "y1": y1}, x).numpy() == 3.75
with tf.GradientTape() as tape:
    y = x * [3.0, 4.0]
assert tape.gradient(y, x).numpy() == 7.0

x = tf.linspace(-10.0, 10.0, 200 + 1)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.sigmoid(x)
dy_dx = tape.gradient(y, x)
np.testing.assert_allclose(dy_dx.numpy(), (y * (1 - y)).numpy(), rtol=1e-5, atol=1e-7)

# Control flow: only the branch taken is recorded; the target may be a variable itself.
x = tf.constant(1.0)
v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    if x > 0.0:
        result = v0
    else:
        result = v1**2
dv0, dv1 = tape.gradient(result, [v0, v1])
assert dv0.numpy() == 1.0 and dv1 is None
assert tape.gradient(result, x) is None

# Cases that give None.
x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = y * y
assert tape.gradient(z, x) is None

x = tf.Variable(2.0)
for epoch in range(2):
    with tf.GradientTape() as tape:
        y = x + 1
    found = tape.gradient(y, x)
    assert (found is not None) if epoch == 0 else (found is None)
    x = x + 1  # a tensor now, not a variable: the next tape does not watch it

x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
with tf.GradientTape() as tape:
    x2 = x**2
    y = np.mean(x2, axis=0)  # a NumPy step leaves the tape
    y = tf.reduce_mean(y, axis=0)
assert tape.gradient(y, x) is None

x = tf.constant(10)
with tf.GradientTape() as g:
    g.watch(x)  # integers are not differentiable
    y = x * x
assert g.gradient(y, x) is None

x0 = tf.Variable(3.0)
x1 = tf.Variable(0.0)
with tf.GradientTape() as tape:
    x1.assign_add(x0)  # a stateful update is not differentiable
    y = x1**2
assert tape.gradient(y, x0) is None

image = tf.Variable([[[0.5, 0.0, 0.0]]])
delta = tf.Variable(0.1)
with tf.GradientTape() as tape:
    new_image = tf.image.adjust_contrast(image, delta)
try:
    tape.gradient(new_image, [image, delta])
    raise AssertionError("adjust_contrast has no gradient")
except LookupError as e:
    print(f"{type(e).__name__}: {e}")

x = tf.Variable([2.0, 2.0])
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = y**2
zeros = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
np.testing.assert_array_equal(zeros.numpy(), [0.0, 0.0])
print("OK guide autodiff")
