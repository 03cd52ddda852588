"""Text and category preprocessing against Keras 3.15 on TensorFlow.

Expected vocabularies and outputs were recorded by
tests/fixtures/text_preprocessing/make_text_fixtures.py and
tests/fixtures/hashing/make_hashing_fixtures.py (real Keras, TensorFlow backend).
"""

import json
import os

import numpy as np
import pytest

from minikeras import layers

HERE = os.path.join(os.path.dirname(__file__), "fixtures")
with open(os.path.join(HERE, "text_preprocessing", "cases.json"), encoding="utf-8") as f:
    FIX = json.load(f)
HASH = np.load(os.path.join(HERE, "hashing", "hashing.npz"))
STRINGS = [s.decode("utf-8") for s in HASH["strings"]]
INTS = HASH["ints"]


@pytest.mark.parametrize("name", sorted(FIX["text_vectorization"]))
def test_text_vectorization_vocabulary_and_outputs(name):
    case = FIX["text_vectorization"][name]
    kwargs = dict(case["kwargs"])
    if "ngrams" in kwargs and isinstance(kwargs["ngrams"], list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = layers.TextVectorization(**kwargs)
    if "vocabulary" not in kwargs:
        layer.adapt(FIX["corpus"])
    assert layer.get_vocabulary() == case["vocabulary"]
    out = layer(np.array(FIX["queries"]))
    if layer._output_mode == "int":
        np.testing.assert_array_equal(out, case["output"])
        assert out.dtype == np.int64
    else:
        np.testing.assert_allclose(out, case["output"], rtol=1e-6, atol=1e-6)
    if "config" in case:
        ours = layer.get_config()
        for key, value in case["config"].items():
            if key not in ("name", "dtype", "trainable"):
                assert ours[key] == (list(value) if isinstance(value, tuple) else value), key


def test_text_vectorization_adapts_lists_arrays_and_batches_alike():
    corpus = FIX["corpus"]
    expected = FIX["text_vectorization"]["default_int"]["vocabulary"]
    for data in (
        corpus,
        np.array(corpus),
        np.array(corpus)[:, None],
        (np.array(corpus[i : i + 3]) for i in range(0, len(corpus), 3)),
    ):
        layer = layers.TextVectorization()
        layer.adapt(data)
        assert layer.get_vocabulary() == expected


@pytest.mark.parametrize("name", sorted(FIX["string_lookup"]))
def test_string_lookup(name):
    case = FIX["string_lookup"][name]
    layer = layers.StringLookup(**case["kwargs"])
    layer.adapt(np.array(case["adapt"]))
    assert layer.get_vocabulary() == case["vocabulary"]
    np.testing.assert_allclose(layer(np.array(case["query"])), case["output"], rtol=1e-6)
    if "invert" in case:
        inv = layers.StringLookup(**case["kwargs"], vocabulary=case["vocabulary"], invert=True)
        assert inv(np.array([[0, 1, 2], [3, 4, 99]])).tolist() == case["invert"]


@pytest.mark.parametrize("name", sorted(FIX["integer_lookup"]))
def test_integer_lookup(name):
    case = FIX["integer_lookup"][name]
    layer = layers.IntegerLookup(**case["kwargs"])
    layer.adapt(np.array(case["adapt"]))
    assert layer.get_vocabulary() == case["vocabulary"]
    np.testing.assert_allclose(layer(np.array(case["query"])), case["output"], rtol=1e-6)
    if "invert" in case:
        inv = layers.IntegerLookup(**case["kwargs"], vocabulary=case["vocabulary"], invert=True)
        assert inv(np.array([[0, 1, 2], [3, 4, 99]])).tolist() == case["invert"]


def test_lookup_oov0_refuses_unknown_terms():
    layer = layers.StringLookup(vocabulary=["a"], num_oov_indices=0)
    with pytest.raises(ValueError, match="num_oov_indices=1"):
        layer(["b"])


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding(mode):
    case = FIX["category_encoding"][mode]
    layer = layers.CategoryEncoding(num_tokens=5, output_mode=mode)
    np.testing.assert_array_equal(layer(np.array([0, 3, 3, 4])), case["rank1"])
    np.testing.assert_array_equal(layer(np.array([[0, 1], [3, 3], [4, 0]])), case["rank2"])


def test_category_encoding_count_weights_and_range_error():
    layer = layers.CategoryEncoding(5, output_mode="count")
    out = layer(np.array([[0, 1, 1], [4, 4, 2]]), count_weights=np.array([[0.5, 1, 2], [1, 3, 4]]))
    np.testing.assert_allclose(out, FIX["category_encoding"]["count_weights"])
    with pytest.raises(ValueError, match="num_tokens=5"):
        layer(np.array([5]))


@pytest.mark.parametrize("name", ["4_0.01", "10_0.05", "3_0.001"])
def test_discretization_adapt_boundaries(name):
    case = FIX["discretization"][name]
    layer = layers.Discretization(num_bins=case["num_bins"], epsilon=case["epsilon"])
    layer.adapt(np.array(FIX["discretization_data"], "float32")[:, None])
    np.testing.assert_allclose(layer.bin_boundaries, case["boundaries"], rtol=1e-6)


def test_discretization_batched_adapt_and_fixed_boundaries():
    data = np.array(FIX["discretization_data"], "float32")[:, None]
    layer = layers.Discretization(num_bins=5)
    layer.adapt(data[i : i + 128] for i in range(0, len(data), 128))
    np.testing.assert_allclose(
        layer.bin_boundaries, FIX["discretization"]["batched_5"]["boundaries"], rtol=1e-6
    )
    q = np.array(FIX["discretization"]["fixed_one_hot"]["query"], "float32")
    one_hot = layers.Discretization(bin_boundaries=[-1.0, 0.0, 2.5], output_mode="one_hot")
    np.testing.assert_array_equal(one_hot(q), FIX["discretization"]["fixed_one_hot"]["output"])
    np.testing.assert_array_equal(
        layers.Discretization(bin_boundaries=[-1.0, 0.0, 2.5])(q),
        FIX["discretization"]["fixed_int"]["output"],
    )


# ----------------------------------------------------------------------------- hashing


@pytest.mark.parametrize(
    "tag,kwargs",
    [
        ("fast_big", dict(num_bins=2**31 - 1)),
        ("fast_10_mask", dict(num_bins=10)),
        ("strong_pair", dict(num_bins=2**31 - 1, salt=[123456789, 987654321])),
        ("strong_int", dict(num_bins=97, salt=1337)),
    ],
)
def test_hashing_bins_equal_tensorflow_for_1000_strings_and_1000_ints(tag, kwargs):
    layer = layers.Hashing(**kwargs)
    assert len(STRINGS) == 1000 and len(INTS) == 1000
    np.testing.assert_array_equal(layer(np.array(STRINGS, dtype=object)), HASH[f"str/{tag}"])
    np.testing.assert_array_equal(layer(INTS), HASH[f"int/{tag}"])


def test_hashing_mask_value_and_multi_hot():
    np.testing.assert_array_equal(
        layers.Hashing(11, mask_value="hello")(STRINGS), HASH["str/masked"]
    )
    np.testing.assert_array_equal(layers.Hashing(11, mask_value=7)(INTS), HASH["int/masked"])
    np.testing.assert_array_equal(
        layers.Hashing(5, output_mode="multi_hot")(np.array(STRINGS[:40]).reshape(10, 4)),
        HASH["str/multi_hot"],
    )


def test_hashed_crossing_equals_tensorflow():
    a, b = np.array(STRINGS[:200], dtype=object), INTS[:200]
    np.testing.assert_array_equal(layers.HashedCrossing(2**31 - 1)((a, b)), HASH["cross/str_int"])
    np.testing.assert_array_equal(
        layers.HashedCrossing(13, output_mode="one_hot")((a, a[::-1])), HASH["cross/str_str_onehot"]
    )
    np.testing.assert_array_equal(layers.HashedCrossing(1000)((b, b[::-1])), HASH["cross/int_int"])


def test_hash_functions_known_values():
    from minikeras.layers.preprocessing.hash_functions import fingerprint64, siphash

    # SipHash-2-4 reference vector (Aumasson & Bernstein): key 00..0f, message 00..0e
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash([bytes(range(15))], key)[0] == 0xA129CA6149BE45E5
    assert fingerprint64([""])[0] == 0x9AE16A3B2F90404F  # farmhash: the empty string is k2
