"""TensorFlow's "introduction to variables" guide, restated.

Creating variables of several dtypes, reading them as tensors, assigning
(same shape only), copies that do not share memory, names, trainability and
device placement (one CPU here). The values asserted are TensorFlow 2.21's;
the script runs under both. Elementwise `==` between two variables, which
TensorFlow gives, is not part of minikeras (variables compare by identity).
"""

import numpy as np
import tensorflow as tf

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)
bool_variable = tf.Variable([False, False, False, True])
complex_variable = tf.Variable([5 + 4j, 6 + 1j])
assert my_variable.shape == (2, 2) and my_variable.dtype == tf.float32
assert str(my_variable.dtype) == "<dtype: 'float32'>"
assert bool_variable.dtype == tf.bool and complex_variable.dtype == tf.complex128
np.testing.assert_array_equal(my_variable.numpy(), [[1.0, 2.0], [3.0, 4.0]])
assert repr(my_variable).startswith("<tf.Variable 'Variable:0' shape=(2, 2) dtype=float32,")
viewed = tf.convert_to_tensor(my_variable)
assert str(viewed).startswith("tf.Tensor(\n[[1. 2.]")
assert tf.math.argmax(my_variable).numpy().tolist() == [1, 1]
assert tf.reshape(my_variable, [1, 4]).numpy().tolist() == [[1.0, 2.0, 3.0, 4.0]]

a = tf.Variable([2.0, 3.0])
a.assign([1, 2])  # keeps float32
assert a.dtype == tf.float32 and a.numpy().tolist() == [1.0, 2.0]
try:
    a.assign([1.0, 2.0, 3.0])
    raise AssertionError("a variable keeps its shape")
except ValueError as e:
    print(f"{type(e).__name__}: {e}")

a = tf.Variable([2.0, 3.0])
b = tf.Variable(a)  # a copy: no shared memory
a.assign([5, 6])
assert a.numpy().tolist() == [5.0, 6.0] and b.numpy().tolist() == [2.0, 3.0]
assert a.assign_add([2, 3]).numpy().tolist() == [7.0, 9.0]
assert a.assign_sub([7, 9]).numpy().tolist() == [0.0, 0.0]

a = tf.Variable(my_tensor, name="Mark")
b = tf.Variable(my_tensor + 1, name="Mark")  # names need not be unique
assert a.name.split(":")[0] == b.name.split(":")[0] == "Mark"
assert not np.any(a.numpy() == b.numpy())

step_counter = tf.Variable(1, trainable=False)
assert not step_counter.trainable and step_counter.dtype == tf.int32

with tf.device("CPU:0"):
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    c = tf.matmul(a, b)
assert c.numpy().tolist() == [[22.0, 28.0], [49.0, 64.0]]
with tf.device("CPU:0"):
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.Variable([[1.0, 2.0, 3.0]])
with tf.device("GPU:0"):  # no GPU: placed on the CPU, as TensorFlow does with soft placement
    k = a * b
assert k.numpy().tolist() == [[1.0, 4.0, 9.0], [4.0, 10.0, 18.0]]
print("OK guide variable")
