"""Preprocessing layers called by user code return eager tensors, as in TensorFlow."""

import numpy as np

import minikeras
import minikeras.tensorflow as tf
from minikeras.backend.eager_tensor import EagerTensor


def test_text_vectorization_output_has_numpy_and_keeps_numpy_methods():
    layer = minikeras.layers.TextVectorization(output_sequence_length=4)
    layer.adapt(["a b", "b c", "a b"])  # b: 3, a: 2, c: 1
    out = layer(tf.expand_dims(tf.constant("b a"), -1))
    assert type(out) is EagerTensor
    assert out.numpy().tolist() == [[2, 3, 0, 0]]  # "b" is the most frequent token
    assert out.tolist() == [[2, 3, 0, 0]]
    assert out.astype("float32").dtype == tf.float32
    assert out.reshape(4).shape.as_list() == [4]
    assert out.reshape((2, 2)).numpy().tolist() == [[2, 3], [0, 0]]


def test_inside_a_model_preprocessing_keeps_plain_arrays():
    lookup = minikeras.layers.StringLookup(vocabulary=["a", "b"])
    model = minikeras.Sequential([minikeras.Input((1,), dtype="string"), lookup])
    assert type(model.predict(np.array([["b"], ["z"]]), verbose=0)) is np.ndarray


def test_bytes_text_goes_through_tf_strings():
    out = tf.strings.lower(np.array([b"AbC", b"D"]))
    assert out.numpy().tolist() == [b"abc", b"d"]
