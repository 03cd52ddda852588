"""`tf.custom_gradient`: values and gradients as TensorFlow 2.21 gives them for the same code."""

import numpy as np
import pytest

import minikeras.tensorflow as tf


@tf.custom_gradient
def clip_gradients(y):
    return y, lambda dy: tf.clip_by_norm(dy, 0.5)


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)
    return tf.math.log(1 + e), lambda upstream: upstream * (1 - 1 / (1 + e))


@tf.custom_gradient
def weighted(a, b):
    return a * b, lambda dy: (dy * 10.0, None)


def test_the_user_gradient_replaces_the_recorded_one():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    assert output.numpy() == 4.0
    assert t.gradient(output, v).numpy() == 2.0  # TensorFlow: 2.0


def test_a_stable_gradient_where_the_value_overflows():
    x = tf.constant(50.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert tape.gradient(y, x).numpy() == 1.0  # TensorFlow: 1.0


def test_one_gradient_per_input_and_none_for_no_gradient():
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([3.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(weighted(a, b) * tf.constant([1.0, 2.0]))
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [10.0, 20.0])
    assert gb is None


def test_outside_a_tape_it_is_the_function():
    assert clip_gradients(tf.constant(3.0)).numpy() == 3.0


def test_a_wrong_number_of_gradients_is_an_error():
    @tf.custom_gradient
    def bad(a, b):
        return a + b, lambda dy: dy

    a = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = bad(a, tf.constant(2.0))
    with pytest.raises(ValueError, match="returned 1 gradient"):
        tape.gradient(y, a)
