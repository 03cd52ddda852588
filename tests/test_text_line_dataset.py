"""`tf.data.TextLineDataset` and TensorFlow's dtype enum numbers.

Expected values are what TensorFlow 2.21 gives for the same calls (recorded
by hand with /opt/kvenv).
"""

import gzip

import pytest

import minikeras.tensorflow as tf


def test_lines_without_their_endings_batched_as_tensorflow_prints_them(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("Line 1\nLine 2\r\nLine 3\n  ")
    ds = tf.data.TextLineDataset(str(path))
    assert ds.cardinality().numpy() == tf.data.UNKNOWN_CARDINALITY
    assert [x.numpy() for x in ds] == [b"Line 1", b"Line 2", b"Line 3", b"  "]
    batches = [str(x) for x in ds.batch(2)]
    assert batches[0] == "tf.Tensor([b'Line 1' b'Line 2'], shape=(2,), dtype=string)"


def test_several_files_and_gzip(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x\ny\n")
    b = tmp_path / "b.txt.gz"
    with gzip.open(b, "wt") as f:
        f.write("z\n")
    assert [x.numpy() for x in tf.data.TextLineDataset([str(a)])] == [b"x", b"y"]
    gz = tf.data.TextLineDataset(str(b), compression_type="GZIP")
    assert [x.numpy() for x in gz] == [b"z"]
    with pytest.raises(ValueError, match="compression_type"):
        tf.data.TextLineDataset(str(a), compression_type="LZ4")


def test_lazy_until_iterated(tmp_path):
    ds = tf.data.TextLineDataset(str(tmp_path / "not_yet.txt"))
    (tmp_path / "not_yet.txt").write_text("late\n")
    assert [x.numpy() for x in ds] == [b"late"]


def test_dtype_enum_numbers():
    assert tf.zeros(1, 1).dtype == tf.float32  # as the Keras guides write `tf.zeros(1, 1)`
    assert tf.as_dtype(3) == tf.int32 and tf.as_dtype(9) == tf.int64
    assert tf.as_dtype(7) == tf.string and tf.as_dtype(10) == tf.bool
