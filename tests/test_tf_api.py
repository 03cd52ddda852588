"""The `tensorflow` stand-in against real TensorFlow's results (tests/fixtures/tf_api)."""

import json
import os
import sys

import numpy as np
import pytest

import minikeras.tensorflow as tf
from minikeras.testing import gradient_check

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_api")
sys.path.insert(0, HERE)
from api_cases import CASES, GRAD_CASES, encode  # noqa: E402

with open(os.path.join(HERE, "tf_api.json")) as f:
    RECORD = json.load(f)


def _close(got, want):
    if set(got) != set(want):
        return False
    if "seq" in got:
        return len(got["seq"]) == len(want["seq"]) and all(
            _close(a, b) for a, b in zip(got["seq"], want["seq"])
        )
    if "values" in got and got["dtype"] in ("float16", "float32", "float64"):
        return (got["dtype"], got["dims"], got["scalar_type"]) == (
            want["dtype"],
            want["dims"],
            want["scalar_type"],
        ) and np.allclose(got["values"], want["values"], rtol=1e-4, atol=2e-5)
    return got == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    got = encode(CASES[name](tf))
    want = RECORD["cases"][name]
    assert _close(got, want), f"\nminikeras:  {got}\ntensorflow: {want}"


def test_every_case_is_recorded():
    assert sorted(RECORD["cases"]) == sorted(CASES)
    assert sorted(RECORD["gradients"]) == sorted(GRAD_CASES)


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradient_matches_tensorflow_in_float64(name):
    fn, x0 = GRAD_CASES[name]
    x = tf.Variable(np.array(x0, dtype=np.float64))
    with tf.GradientTape() as tape:
        y = fn(tf, x)
    grad = tape.gradient(y, x)
    want = RECORD["gradients"][name]
    assert grad.dtype == tf.float64
    np.testing.assert_allclose(float(tf.reduce_sum(y)), want["value"], rtol=1e-10)
    np.testing.assert_allclose(grad.numpy(), want["grad"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradient_matches_finite_differences(name):
    fn, x0 = GRAD_CASES[name]
    gradient_check(lambda x: fn(tf, x), [np.array(x0)], rtol=1e-6, atol=1e-8)


def test_missing_names_say_what_is_missing_and_what_to_do():
    for module, path, name in (
        (tf, "tf", "raw_ops"),
        (tf.math, "tf.math", "bessel_i0"),
        (tf.nn, "tf.nn", "ctc_loss"),
        (tf.image, "tf.image", "hsv"),
        (tf.strings, "tf.strings", "ngrams"),
        (tf.data, "tf.data", "TFRecordDataset"),
        (tf.random, "tf.random", "zipf"),
    ):
        with pytest.raises(AttributeError, match=f"`{path}.{name}` is not available") as info:
            getattr(module, name)
        assert "real TensorFlow" in str(info.value)


@pytest.mark.parametrize(
    "name,fix",
    [
        ("saved_model", "model.save"),
        ("distribute", "strategy.scope"),
        ("compat", "TensorFlow 2"),
        ("train", "save_weights"),
        ("summary", "History"),
    ],
)
def test_graph_mode_savedmodel_and_distribution_point_to_keras_files_or_tensorflow(name, fix):
    with pytest.raises(AttributeError, match=f"`tf.{name}.x` is not available") as info:
        _ = getattr(tf, name).x
    assert fix in str(info.value)


def test_function_runs_eagerly_with_any_arguments():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)], jit_compile=True)
    def g(x):
        return x + 1

    class M:
        @tf.function
        def step(self, x):
            return x - 1

    assert float(f(tf.constant(2.0))) == 4.0 and float(f(tf.constant(3.0))) == 6.0
    assert len(calls) == 2  # Python side effects run on every call
    assert g(tf.constant([1.0])).numpy().tolist() == [2.0]
    assert float(M().step(tf.constant(5.0))) == 4.0


def test_print_and_logger(capsys):
    # The lines real TensorFlow 2.16 prints for the same calls.
    tf.print(
        "loss:",
        tf.constant([1.0, 2.0]),
        tf.constant(3),
        tf.constant(0.5),
        tf.constant([0.25, 1 / 3]),
        tf.constant([[1.5, 2], [3, 4]]),
    )
    tf.print(tf.range(10), tf.constant("hi"), [tf.constant(1), 2])
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "loss: [1 2] 3 0.5 [0.25 0.333333343] [[1.5 2]",
        " [3 4]]",
        '[0 1 2 ... 7 8 9] "hi" [1, 2]',
    ]
    assert tf.get_logger().name == "tensorflow"


def test_random_seeds_repeat_and_stateless_draws_are_pure():
    tf.random.set_seed(5)
    a = tf.random.normal([3]), tf.random.uniform([2], seed=1), tf.random.uniform([2], seed=1)
    tf.random.set_seed(5)
    b = tf.random.normal([3]), tf.random.uniform([2], seed=1), tf.random.uniform([2], seed=1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert not np.array_equal(a[1].numpy(), a[2].numpy())  # an op seed continues its sequence
    s1 = tf.random.stateless_normal([4], seed=[1, 2])
    s2 = tf.random.stateless_normal([4], seed=[1, 2])
    np.testing.assert_array_equal(s1.numpy(), s2.numpy())
    counts = np.bincount(tf.random.categorical(tf.math.log([[0.1, 0.9]]), 2000).numpy()[0])
    assert 0.85 < counts[1] / 2000 < 0.95
    tn = tf.random.truncated_normal([1000], stddev=2.0).numpy()
    assert np.abs(tn).max() <= 4.0
    assert sorted(tf.random.shuffle(tf.range(6)).numpy().tolist()) == list(range(6))
    d = tf.nn.dropout(tf.ones([10000]), rate=0.25).numpy()
    assert set(np.unique(d).tolist()) <= {0.0, np.float32(1 / 0.75)}
    assert 0.72 < (d > 0).mean() < 0.78


def test_random_flips_flip_or_keep():
    img = tf.constant(np.arange(12, dtype=np.float32).reshape(2, 2, 3))
    for _ in range(5):
        out = tf.image.random_flip_left_right(img).numpy()
        assert np.array_equal(out, img.numpy()) or np.array_equal(out, img.numpy()[:, ::-1])


def test_debugging_asserts():
    tf.debugging.assert_equal(tf.constant([1, 2]), [1, 2])
    tf.debugging.assert_near(tf.constant(1.0), 1.0 + 1e-7)
    tf.debugging.assert_rank(tf.zeros([2, 3]), 2)
    tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", 3)), (tf.zeros([2]), ("N",))])
    tf.debugging.assert_non_negative(tf.constant([0, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="x == y"):
        tf.debugging.assert_equal(tf.constant([1, 2]), [1, 3])
    with pytest.raises(ValueError, match="rank 3"):
        tf.debugging.assert_rank(tf.zeros([2]), 3)
    with pytest.raises(ValueError, match="'N'"):
        tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", 3)), (tf.zeros([4]), ("N",))])
    with pytest.raises(tf.errors.InvalidArgumentError, match="NaN or Inf"):
        tf.debugging.check_numerics(tf.constant([np.nan]), "bad")


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match=r"indices = 5 is not in \[0, 2\)"):
        tf.gather(tf.zeros([2, 3]), [5])
    with pytest.raises(ValueError, match="squeeze dim"):
        tf.squeeze(tf.zeros([2, 3]), axis=0)
    with pytest.raises(ValueError, match="split evenly"):
        tf.split(tf.range(5), 2)
    with pytest.raises(ValueError, match="outside the valid range"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[3], logits=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="non-rectangular"):
        tf.constant([[1, 2], [3]])


def test_clip_by_value_keeps_float32_with_integer_bounds():
    """TensorFlow: float32 stays float32; int64 0-d bounds used to make it float64."""
    x = np.array([-3.0, 0.5, 4.0], "float32")
    out = tf.clip_by_value(x, -1, 2)
    assert out.dtype == "float32"
    np.testing.assert_array_equal(out.numpy(), [-1.0, 0.5, 2.0])
    assert tf.clip_by_value(x, tf.constant(-1), tf.constant(2)).numpy().dtype == np.float32
