"""The Keras masking and padding guide (TensorFlow version), restated.

Padding with `pad_sequences`, masks from `Embedding(mask_zero=True)` and
`Masking`, masks flowing through Functional and Sequential models and into
custom layers' `call(..., mask=None)`, and custom layers that make or pass masks.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

raw_inputs = [
    [711, 632, 71],
    [73, 8, 3215, 55, 927],
    [83, 91, 1, 645, 1253, 927],
]
padded_inputs = tf.keras.utils.pad_sequences(raw_inputs, padding="post")
print(padded_inputs)
assert padded_inputs.tolist()[0] == [711, 632, 71, 0, 0, 0]

embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
masked_output = embedding(padded_inputs)
print(masked_output._keras_mask)
assert masked_output._keras_mask.numpy().tolist()[0] == [True, True, True, False, False, False]

masking_layer = layers.Masking()
unmasked_embedding = tf.cast(
    tf.tile(tf.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), tf.float32
)
masked_embedding = masking_layer(unmasked_embedding)
print(masked_embedding._keras_mask)
np.testing.assert_array_equal(
    masked_embedding._keras_mask.numpy(), masked_output._keras_mask.numpy()
)

# Sequential and Functional models propagate the mask to the LSTM.
model = keras.Sequential(
    [layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True), layers.LSTM(8)]
)
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
outputs = layers.LSTM(8)(x)
functional = keras.Model(inputs, outputs)
out = functional(padded_inputs)
assert out.shape.as_list() == [3, 8]


class MyLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
        self.lstm = layers.LSTM(8)

    def call(self, inputs):
        x = self.embedding(inputs)
        mask = self.embedding.compute_mask(inputs)
        output = self.lstm(x, mask=mask)  # the LSTM skips the masked steps
        return output


layer = MyLayer()
x = np.random.random((32, 10)) * 100
x = x.astype("int32")
y = layer(x)
assert y.shape.as_list() == [32, 8]

# A masked step must not change the LSTM's output: padding more zeros gives the same result.
short = np.array([[5, 7, 0, 0]])
longer = np.array([[5, 7, 0, 0, 0, 0, 0]])
np.testing.assert_allclose(layer(short).numpy(), layer(longer).numpy(), rtol=1e-5)


class TemporalSplit(keras.layers.Layer):
    """Splits a sequence in two halves along time, and its mask with it."""

    def call(self, inputs):
        return tf.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return tf.split(mask, 2, axis=1)


first_half, second_half = TemporalSplit()(masked_embedding)
print(first_half._keras_mask)
print(second_half._keras_mask)
full_mask = masked_embedding._keras_mask.numpy()
np.testing.assert_array_equal(first_half._keras_mask.numpy(), full_mask[:, :3])
np.testing.assert_array_equal(second_half._keras_mask.numpy(), full_mask[:, 3:])


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer="random_normal", dtype="float32"
        )

    def call(self, inputs):
        return tf.nn.embedding_lookup(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)


layer = CustomEmbedding(10, 32, mask_zero=True)
x = np.random.random((3, 10)) * 9
x = x.astype("int32")
y = layer(x)
mask = layer.compute_mask(x)
print(mask)
np.testing.assert_array_equal(mask.numpy(), x != 0)
np.testing.assert_array_equal(y._keras_mask.numpy(), x != 0)


class MyActivation(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # the layer passes its input's mask on

    def call(self, inputs):
        return tf.nn.relu(inputs)


# While a functional model is built, the symbolic tensors show the mask they will carry.
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
x = MyActivation()(x)
print("Mask found:", x._keras_mask)
assert tuple(x._keras_mask.shape) == (None, None) and x._keras_mask.dtype == "bool"
outputs = layers.LSTM(32)(x)
model = keras.Model(inputs, outputs)
assert not hasattr(layers.Dense(2)(keras.Input((3,))), "_keras_mask")


class TemporalSoftmax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        broadcast_float_mask = tf.expand_dims(tf.cast(mask, "float32"), -1)
        inputs_exp = tf.exp(inputs) * broadcast_float_mask
        inputs_sum = tf.reduce_sum(inputs_exp * broadcast_float_mask, axis=1, keepdims=True)
        return inputs_exp / inputs_sum


inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
x = layers.Dense(1)(x)
outputs = TemporalSoftmax()(x)
model = keras.Model(inputs, outputs)
ids = np.random.randint(0, 10, size=(32, 100))
y = model(ids)
# A softmax over the time steps that are not masked: masked steps (id 0) get zero.
np.testing.assert_array_equal(y.numpy()[..., 0] == 0, ids == 0)
np.testing.assert_allclose(y.numpy().sum(axis=1), 1.0, rtol=1e-5)

# Eagerly too: the mask an Embedding output carries is passed to `call(mask=...)`.
emb = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)
h = emb(np.array([[3, 0, 2]]))
soft = TemporalSoftmax()(h)
print(soft)
assert np.all(soft.numpy()[0, 1] == 0) and np.allclose(soft.numpy()[0].sum(0), 1)
print("OK masking and padding")
