"""`pad_sequences` (against Keras 3.15.1 outputs) and the Keras 2 `Tokenizer` (by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras.preprocessing.sequence import pad_sequences
from minikeras.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)
from minikeras.utils import pad_sequences as utils_pad_sequences

SEQS = [[1], [2, 3], [4, 5, 6, 7], []]


# Expected arrays printed by keras.utils.pad_sequences in Keras 3.15.1.
def test_pad_sequences_matches_keras():
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 0, 0, 1], [0, 0, 2, 3], [4, 5, 6, 7], [0, 0, 0, 0]])
    np.testing.assert_array_equal(
        pad_sequences(SEQS, maxlen=2, padding="post", truncating="post", value=-1),
        [[1, -1], [2, 3], [4, 5], [-1, -1]],
    )
    out = pad_sequences(SEQS, maxlen=3, dtype="float32", value=0.5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.5, 0.5, 1], [0.5, 2, 3], [5, 6, 7], [0.5, 0.5, 0.5]])
    np.testing.assert_array_equal(
        pad_sequences([[[1, 2], [3, 4]], [[5, 6]]], padding="post"),
        [[[1, 2], [3, 4]], [[5, 6], [0, 0]]],
    )
    strings = pad_sequences([["a", "bb"], ["c"]], dtype=object, value="")
    assert strings.tolist() == [["a", "bb"], ["", "c"]]
    assert utils_pad_sequences is pad_sequences


@pytest.mark.parametrize(
    "kwargs,args,msg",
    [
        ({"maxlen": 2, "padding": "mid"}, SEQS, 'Padding type "mid" not understood'),
        ({"maxlen": 2, "truncating": "x"}, SEQS, 'Truncating type "x" not understood'),
        ({}, [1, 2], "must be a list of iterables. Found non-iterable: 1"),
        ({"value": "x"}, SEQS, "You should set `dtype=object`"),
        ({}, [[[1, 2]], [[1, 2, 3]]], "Shape of sample (3,) of sequence at position 1"),
    ],
)
def test_pad_sequences_errors_match_keras(kwargs, args, msg):
    with pytest.raises(ValueError) as info:
        pad_sequences(args, **kwargs)
    assert msg in str(info.value)


TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "cat and dog"]


def test_tokenizer_vocabulary_and_sequences():
    tok = Tokenizer()
    tok.fit_on_texts(TEXTS)
    # Counts: the 3, cat 2, dog 2, then first-seen order for count 1 (sat on mat ate ...).
    assert list(tok.word_index.items())[:5] == [
        ("the", 1),
        ("cat", 2),
        ("dog", 3),
        ("sat", 4),
        ("on", 5),
    ]
    assert len(tok.word_index) == 10 and tok.document_count == 3
    assert tok.word_counts["the"] == 3 and tok.word_docs["the"] == 2
    assert tok.texts_to_sequences(["the cat ate a fish"]) == [[1, 2, 7]]
    assert tok.sequences_to_texts([[1, 2, 7]]) == ["the cat ate"]


def test_tokenizer_num_words_and_oov():
    tok = Tokenizer(num_words=4, oov_token="<OOV>")
    tok.fit_on_texts(TEXTS)
    assert tok.word_index["<OOV>"] == 1 and tok.word_index["the"] == 2
    # "dog" has index 4 >= num_words → OOV; "fish" unknown → OOV.
    assert tok.texts_to_sequences(["the dog cat fish"]) == [[2, 1, 3, 1]]
    m = tok.texts_to_matrix(["the the cat", ""], mode="count")
    np.testing.assert_array_equal(m, [[0, 0, 2, 1], [0, 0, 0, 0]])
    np.testing.assert_array_equal(
        tok.texts_to_matrix(["the the cat"], mode="binary"), [[0, 0, 1, 1]]
    )
    np.testing.assert_allclose(
        tok.texts_to_matrix(["the the cat"], mode="freq"), [[0, 0, 2 / 3, 1 / 3]]
    )


def test_tokenizer_tfidf_by_hand():
    tok = Tokenizer()
    tok.fit_on_texts(TEXTS)
    m = tok.texts_to_matrix(["the the dog"], mode="tfidf")
    tf_the = 1 + np.log(2)
    idf_the = np.log(1 + 3 / (1 + 2))  # "the" is in 2 of the 3 documents
    idf_dog = np.log(1 + 3 / (1 + 2))
    assert m[0, 1] == pytest.approx(tf_the * idf_the)
    assert m[0, 3] == pytest.approx(1 * idf_dog)
    assert np.count_nonzero(m) == 2


def test_tokenizer_errors_and_json_round_trip():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="mode"):
        tok = Tokenizer(num_words=5)
        tok.fit_on_texts(["a b"])
        tok.texts_to_matrix(["a"], mode="bogus")
    tok = Tokenizer(num_words=6, oov_token="?")
    tok.fit_on_texts(TEXTS)
    back = tokenizer_from_json(tok.to_json())
    assert back.word_index == tok.word_index and back.num_words == 6
    assert back.texts_to_sequences(TEXTS) == tok.texts_to_sequences(TEXTS)


def test_char_level_and_text_helpers():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["abba"])
    assert tok.word_index == {"a": 1, "b": 2}
    assert text_to_word_sequence("Hello, World!  again") == ["hello", "world", "again"]
    idx = one_hot("a b a", 10)
    assert len(idx) == 3 and idx[0] == idx[2] and all(1 <= i < 10 for i in idx)
    md5 = hashing_trick("a b", 100, hash_function="md5")
    assert md5 == hashing_trick("A B", 100, hash_function="md5")


def test_tokenizer_matches_keras_preprocessing():
    # tests/fixtures/preprocessing/tokenizer_oracle.py recorded keras_preprocessing 1.1.2.
    import json

    from tests.conftest import FIXTURES

    exp = json.loads((FIXTURES / "preprocessing" / "tokenizer_expected.json").read_text())
    for kw, case in zip(exp["configs"], exp["cases"]):
        tok = Tokenizer(**kw)
        tok.fit_on_texts(exp["texts"])
        assert tok.word_index == case["word_index"], kw
        assert [list(p) for p in tok.word_counts.items()] == case["word_counts"], kw
        assert dict(tok.word_docs) == case["word_docs"], kw
        assert {str(k): v for k, v in tok.index_docs.items()} == case["index_docs"], kw
        assert tok.texts_to_sequences(exp["probe"]) == case["seqs"], kw
        assert tok.sequences_to_texts(tok.texts_to_sequences(exp["texts"])) == case["texts"], kw
        for mode, want in case["matrices"].items():
            np.testing.assert_allclose(
                tok.texts_to_matrix(exp["probe"], mode=mode),
                want,
                rtol=1e-12,
                err_msg=f"{kw} {mode}",
            )
    assert text_to_word_sequence("Hello, World!  again\tand-again") == exp["text_to_word_sequence"]
    assert hashing_trick("a b cat Dog", 100, hash_function="md5") == exp["md5"]
