"""`tf.Module` and the Keras modules TensorFlow keeps at its top level.

The expected orders and names are what TensorFlow 2.21 gives for the same code
(recorded by hand with /opt/kvenv: `tf.Module` walks attributes by name, and
each submodule after its parent's own variables).
"""

import numpy as np
import pytest

import minikeras
import minikeras.tensorflow as tf


class Dense(tf.Module):
    def __init__(self, i, o, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([i, o]), name="w")
        self.b = tf.Variable(tf.zeros([o]), name="b", trainable=False)


class Stack(tf.Module):
    def __init__(self):
        self.layers_ = [Dense(3, 2), Dense(2, 1, name="second")]
        self.a = tf.Variable(1.0)
        self.nested = {"z": Dense(1, 4, name="inner"), "k": minikeras.layers.Dense(2)}


def test_variables_walk_attributes_by_name_then_submodules_depth_first():
    m = Stack()
    shapes = [tuple(v.shape) for v in m.variables]
    # a; layers_[0] (b, w); layers_[1] (b, w); nested["z"] (b, w). Keras layers are skipped.
    assert shapes == [(), (2,), (3, 2), (1,), (2, 1), (4,), (1, 4)]
    assert [tuple(v.shape) for v in m.trainable_variables] == [(), (3, 2), (2, 1), (1, 4)]
    assert [tuple(v.shape) for v in m.non_trainable_variables] == [(2,), (1,), (4,)]
    assert [s.name for s in m.submodules] == ["dense", "second", "inner"]


def test_gradients_reach_module_variables():
    layer = Dense(2, 1)
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x @ layer.w + layer.b)
    (g,) = tape.gradient(y, layer.trainable_variables)
    np.testing.assert_array_equal(g.numpy(), [[1.0], [2.0]])


def test_names():
    assert Dense(1, 1).name == "dense"
    assert Stack().name == "stack"  # TensorFlow needs super().__init__() for this
    with pytest.raises(ValueError, match="valid module name"):
        Dense(1, 1, name="a b")


def test_with_name_scope_keeps_the_method_working():
    class Doubler(tf.Module):
        @tf.Module.with_name_scope
        def __call__(self, x):
            return 2 * x

    assert Doubler()(tf.constant(3)).numpy() == 6


def test_keras_modules_at_the_top_level():
    assert tf.metrics.BinaryAccuracy is minikeras.metrics.BinaryAccuracy
    assert tf.losses.BinaryCrossentropy is minikeras.losses.BinaryCrossentropy
    assert tf.optimizers.Adam is minikeras.optimizers.Adam
    assert tf.initializers.GlorotUniform is minikeras.initializers.GlorotUniform


def test_tensorflow_initializers_are_called_with_shape_and_dtype():
    assert tf.zeros_initializer()(shape=(2,), dtype="float32").numpy().tolist() == [0.0, 0.0]
    assert tf.ones_initializer()((2,)).dtype == tf.float32
    assert tf.constant_initializer(3.0)((2,)).numpy().tolist() == [3.0, 3.0]
    init = tf.random_normal_initializer()
    assert init.get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}  # as TensorFlow's
    draw = init(shape=(200, 200), dtype="float32")
    assert draw.shape.as_list() == [200, 200] and abs(float(np.std(draw)) - 0.05) < 0.002
    uniform = tf.random_uniform_initializer()((1000,)).numpy()
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05


def test_shape_errors_are_tensorflow_invalid_argument_errors():
    # The modules guide catches `tf.errors.InvalidArgumentError` around a bad matmul.
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"In\[0\]: \[1, 4\], In\[1\]: \[3, 3\]"
    ):
        tf.matmul(tf.ones((1, 4)), tf.ones((3, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="30 values.*multiple of 7"):
        tf.reshape(tf.range(30), [7, -1])
    with pytest.raises(ValueError):  # it is a ValueError too, as NumPy-style code expects
        tf.reshape(tf.range(30), [7, 5])
