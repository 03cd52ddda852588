"""TensorFlow's "introduction to tensors" guide, restated (dense tensors).

Ranks, dtypes, arithmetic, shapes, indexing, reshaping, casting,
broadcasting, `convert_to_tensor`, the errors for bad reshapes and ragged
lists, and string tensors. The values asserted (and the printing) are
TensorFlow 2.21's; the script runs under both. Ragged and sparse tensors,
which the guide also introduces, are not part of minikeras.
"""

import numpy as np
import tensorflow as tf

rank_0_tensor = tf.constant(4)
assert str(rank_0_tensor) == "tf.Tensor(4, shape=(), dtype=int32)"
rank_1_tensor = tf.constant([2.0, 3.0, 4.0])
assert str(rank_1_tensor) == "tf.Tensor([2. 3. 4.], shape=(3,), dtype=float32)"
rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
assert rank_2_tensor.dtype == tf.float16 and rank_2_tensor.shape == (3, 2)
rank_3_tensor = tf.constant(np.arange(30).reshape(3, 2, 5))
assert rank_3_tensor.dtype == tf.int64 and rank_3_tensor.ndim == 3
np.testing.assert_array_equal(np.array(rank_2_tensor), [[1, 2], [3, 4], [5, 6]])

a = tf.constant([[1, 2], [3, 4]])
b = tf.constant([[1, 1], [1, 1]])
for sum_, product, matrix in (
    (tf.add(a, b), tf.multiply(a, b), tf.matmul(a, b)),
    (a + b, a * b, a @ b),
):
    np.testing.assert_array_equal(sum_.numpy(), [[2, 3], [4, 5]])
    np.testing.assert_array_equal(product.numpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(matrix.numpy(), [[3, 3], [7, 7]])

c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
assert tf.reduce_max(c).numpy() == 10.0
assert tf.math.argmax(c).numpy().tolist() == [1, 0] and tf.math.argmax(c).dtype == tf.int64
assert str(tf.nn.softmax(c)).startswith("tf.Tensor(\n[[2.689414")
assert tf.reduce_max([1, 2, 3]).numpy() == 3
np.testing.assert_allclose(tf.math.log(tf.constant([1.0, np.e])).numpy(), [0.0, 1.0], atol=1e-6)

rank_4_tensor = tf.zeros([3, 2, 4, 5])
assert rank_4_tensor.dtype == tf.float32 and rank_4_tensor.ndim == 4
assert rank_4_tensor.shape == (3, 2, 4, 5) and rank_4_tensor.shape[0] == 3
assert rank_4_tensor.shape[-1] == 5 and tf.size(rank_4_tensor).numpy() == 120
assert tf.rank(rank_4_tensor).numpy() == 4 and tf.shape(rank_4_tensor).numpy().tolist() == [
    3,
    2,
    4,
    5,
]

rank_1_tensor = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
assert rank_1_tensor[0].numpy() == 0 and rank_1_tensor[-1].numpy() == 34
assert rank_1_tensor[:4].numpy().tolist() == [0, 1, 1, 2]
assert rank_1_tensor[2:-3].numpy().tolist() == [1, 2, 3, 5, 8]
assert rank_1_tensor[::2].numpy().tolist() == [0, 1, 3, 8, 21]
assert rank_1_tensor[::-1].numpy().tolist()[:3] == [34, 21, 13]
rank_2_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
assert rank_2_tensor[1, 1].numpy() == 4.0
assert rank_2_tensor[:, 1].numpy().tolist() == [2.0, 4.0, 6.0]
assert rank_2_tensor[1:, :].numpy().tolist() == [[3.0, 4.0], [5.0, 6.0]]
assert rank_3_tensor[:, :, 4].numpy().tolist() == [[4, 9], [14, 19], [24, 29]]

x = tf.constant([[1], [2], [3]])
assert x.shape == (3, 1) and x.shape.as_list() == [3, 1]
assert tf.reshape(x, [1, 3]).shape == (1, 3)
assert tf.reshape(rank_3_tensor, [-1]).numpy().tolist() == list(range(30))
assert tf.reshape(rank_3_tensor, [3 * 2, 5]).shape == (6, 5)
assert tf.reshape(rank_3_tensor, [3, -1]).shape == (3, 10)
try:
    tf.reshape(rank_3_tensor, [7, -1])
    raise AssertionError("30 values cannot take 7 rows")
except Exception as e:
    assert type(e).__name__ == "InvalidArgumentError", e
    assert "30 values" in str(e) and "multiple of 7" in str(e)
    print(f"{type(e).__name__}: {e}")

the_f64_tensor = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
the_u8_tensor = tf.cast(tf.cast(the_f64_tensor, dtype=tf.float16), dtype=tf.uint8)
assert the_u8_tensor.numpy().tolist() == [2, 3, 4] and the_u8_tensor.dtype == tf.uint8

x = tf.constant([1, 2, 3])
y = tf.constant(2)
z = tf.constant([2, 2, 2])
for product in (tf.multiply(x, 2), x * y, x * z):
    assert product.numpy().tolist() == [2, 4, 6]
x = tf.reshape(x, [3, 1])
y = tf.range(1, 5)
assert tf.multiply(x, y).numpy().tolist() == [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]]
assert tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]).numpy().tolist() == [[1, 2, 3]] * 3

assert tf.convert_to_tensor([1, 2, 3]).dtype == tf.int32
try:
    tf.constant([[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]])
    raise AssertionError("a ragged list is not a tensor")
except ValueError as e:
    assert "non-rectangular" in str(e)

scalar_string_tensor = tf.constant("Gray wolf")
assert scalar_string_tensor.numpy() == b"Gray wolf" and scalar_string_tensor.dtype == tf.string
tensor_of_strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
assert tensor_of_strings.shape == (3,)
assert tf.constant("🥳👍").numpy() == "🥳👍".encode()
parts = tf.strings.split(scalar_string_tensor, sep=" ")
assert parts.numpy().tolist() == [b"Gray", b"wolf"]
numbers = tf.strings.to_number(tf.strings.split(tf.constant("1 10 100"), " "))
assert numbers.numpy().tolist() == [1.0, 10.0, 100.0] and numbers.dtype == tf.float32
print("OK guide tensor")
