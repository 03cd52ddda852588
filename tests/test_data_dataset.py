"""`minikeras.data.Dataset` against what real TensorFlow yields (tests/fixtures/tf_data)."""

import json
import os
import sys

import numpy as np
import pytest

from minikeras.data import AUTOTUNE, Dataset, TensorSpec

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_data")
sys.path.insert(0, HERE)
from data_cases import CASES, encode  # noqa: E402

with open(os.path.join(HERE, "tf_data.json")) as f:
    RECORD = json.load(f)["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_pipeline_matches_tensorflow(name):
    ds = CASES[name](Dataset)
    expected = RECORD[name]
    assert int(ds.cardinality()) == expected["cardinality"]
    assert repr(ds.element_spec) == expected["element_spec"]
    got = [encode(e) for e in ds.as_numpy_iterator()]
    if name.startswith("batch_shuffle"):  # TensorFlow's RNG cannot be matched: same multiset

        def values(rec):
            return sorted(v for e in rec for v in e["values"])

        assert values(got) == values(expected["elements"])
        assert [e["shape"] for e in got] == [e["shape"] for e in expected["elements"]]
    else:
        assert got == expected["elements"]


def test_every_case_is_recorded():
    assert sorted(RECORD) == sorted(CASES)


def test_lazy_map_over_file_names_reads_nothing_until_iterated(tmp_path):
    opened = []

    def load(name):
        opened.append(name)
        return np.float32(len(str(name)))

    names = np.array([str(tmp_path / f"f{i}.bin") for i in range(1000)])
    ds = Dataset.from_tensor_slices(names).map(load).batch(10)
    assert opened == [] and int(ds.cardinality()) == 100
    first = next(iter(ds))
    assert first.shape == (10,) and len(opened) == 10


def test_shuffle_is_a_permutation_reshuffled_each_iteration():
    ds = Dataset.range(50).shuffle(50, seed=3)
    a, b = list(ds.as_numpy_iterator()), list(ds.as_numpy_iterator())
    assert sorted(a) == list(range(50)) and sorted(b) == list(range(50))
    assert a != b and a != list(range(50))
    fixed = Dataset.range(50).shuffle(50, seed=3, reshuffle_each_iteration=False)
    assert list(fixed.as_numpy_iterator()) == list(fixed.as_numpy_iterator())


def test_shuffle_buffer_bounds_how_far_an_element_moves_forward():
    # With a buffer of k, element i can be yielded no earlier than position i - k + 1.
    out = list(Dataset.range(200).shuffle(5, seed=0).as_numpy_iterator())
    assert sorted(out) == list(range(200))
    assert all(pos >= int(v) - 4 for pos, v in enumerate(out))


def test_shuffle_follows_the_global_seed():
    from minikeras.utils import set_random_seed

    set_random_seed(7)
    a = list(Dataset.range(20).shuffle(20).as_numpy_iterator())
    set_random_seed(7)
    b = list(Dataset.range(20).shuffle(20).as_numpy_iterator())
    assert a == b


def test_cache_replays_the_first_complete_pass():
    calls = []

    def f(x):
        calls.append(int(x))
        return x

    ds = Dataset.range(3).map(f).cache()
    assert list(ds.as_numpy_iterator()) == [0, 1, 2]
    assert list(ds.as_numpy_iterator()) == [0, 1, 2]
    assert calls == [0, 1, 2]


def test_errors_are_explained():
    with pytest.raises(ValueError, match="rank >= 1"):
        Dataset.from_tensor_slices(3.0)
    with pytest.raises(ValueError, match="same first dimension"):
        Dataset.from_tensor_slices((np.zeros(2), np.zeros(3)))
    with pytest.raises(ValueError, match="padded_batch"):
        list(
            Dataset.from_generator(
                lambda: iter([[1], [1, 2]]), output_types="int32", output_shapes=(None,)
            ).batch(2)
        )
    with pytest.raises(TypeError, match="output_signature"):
        Dataset.from_generator(lambda: iter([1]))
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator(iter([1]), output_types="int32")
    with pytest.raises(ValueError, match="shape"):
        list(
            Dataset.from_generator(
                lambda: iter([[1, 2, 3]]), output_signature=TensorSpec((2,), "int32")
            )
        )
    with pytest.raises(ValueError, match="batch_size"):
        Dataset.range(3).batch(0)
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(3).repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(Dataset.range(3).filter(lambda x: x > 0))
    with pytest.raises(ValueError, match="scalar boolean"):
        list(Dataset.range(3).filter(lambda x: x))
    with pytest.raises(TypeError, match="Incompatible"):
        Dataset.range(3).concatenate(Dataset.from_tensor_slices([1.0]))


def test_reduce_get_single_element_and_len():
    assert int(Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10
    assert int(Dataset.from_tensors(4).get_single_element()) == 4
    assert len(Dataset.range(7).batch(2)) == 4
    assert AUTOTUNE == -1


def test_windows_are_datasets_and_nested_functions_must_return_datasets():
    windows = list(Dataset.range(5).window(2))
    assert [list(w.as_numpy_iterator()) for w in windows] == [[0, 1], [2, 3], [4]]
    with pytest.raises(TypeError, match="elements are datasets"):
        list(Dataset.range(5).window(2).as_numpy_iterator())
    with pytest.raises(TypeError, match="must return a `tf.data.Dataset`. Received: int64"):
        list(Dataset.range(3).flat_map(lambda x: x * 2))
    with pytest.raises(ValueError, match="`size` must be a positive integer"):
        Dataset.range(3).window(0)
    with pytest.raises(TypeError, match="scalar integers or strings"):
        list(Dataset.from_tensor_slices(np.zeros((3, 2))).unique())


def test_bytes_sliced_from_a_bytes_array_come_back_as_bytes():
    ds = Dataset.from_tensor_slices(np.array([b"a", b"bc"]))
    assert list(ds.as_numpy_iterator()) == [b"a", b"bc"]
