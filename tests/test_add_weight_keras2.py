"""`Layer.add_weight` in the Keras 2 forms TensorFlow 2.x tutorials write.

`self.add_weight("kernel", shape=[...])` (name positional, shape by keyword) is
how the TensorFlow "custom layers" tutorial and most Keras 2 era layers call it.
"""

import numpy as np
import pytest

import minikeras as keras


class Forms(keras.layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), 3])
        self.bias = self.add_weight(shape=(3,), initializer="zeros", name="bias")
        self.extra = self.add_weight("extra", (2,), "float64")  # Keras 2 order: name, shape, dtype
        self.scale = self.add_weight((4,), "ones")  # Keras 3 order: shape, initializer

    def call(self, inputs):
        return inputs @ self.kernel + self.bias


def test_every_form_makes_the_weight_it_names():
    layer = Forms()
    out = layer(np.ones((2, 5), "float32"))
    assert out.shape.as_list() == [2, 3]
    got = [(w.name, tuple(w.shape), np.dtype(w.dtype).name) for w in layer.weights]
    assert got == [
        ("kernel", (5, 3), "float32"),
        ("bias", (3,), "float32"),
        ("extra", (2,), "float64"),
        ("variable", (4,), "float32"),  # unnamed, as Keras names it
    ]
    np.testing.assert_array_equal(layer.scale.numpy(), np.ones(4))


def test_a_value_given_twice_is_an_error():
    layer = keras.layers.Layer()
    with pytest.raises(TypeError, match="multiple values for argument 'shape'"):
        layer.add_weight((1,), shape=(2,))
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        layer.add_weight("x", name="y")
