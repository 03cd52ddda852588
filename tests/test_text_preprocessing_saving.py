"""Preprocessing layers inside models: `.keras` assets and configs where Keras 3 puts them."""

import json
import os
import zipfile

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "text_preprocessing")
with open(os.path.join(FIX, "cases.json"), encoding="utf-8") as f:
    CORPUS = json.load(f)["corpus"]
with open(os.path.join(FIX, "text_vectorizer_io.json"), encoding="utf-8") as f:
    IO = json.load(f)


def test_keras_on_tensorflow_text_vectorization_archive_loads_with_same_integers():
    model = keras.saving.load_model(os.path.join(FIX, "text_vectorizer.keras"))
    tv = model.layers[1]
    q = np.array(IO["inputs"], dtype=object)[:, None]
    np.testing.assert_array_equal(tv(q), IO["ints"])
    np.testing.assert_allclose(model.predict(q, verbose=0), IO["predictions"], atol=1e-6)


@pytest.mark.parametrize("output_mode", ["int", "tf_idf", "count"])
def test_adapted_text_vectorization_round_trips_through_keras_archive(tmp_path, output_mode):
    tv = layers.TextVectorization(
        max_tokens=25,
        output_mode=output_mode,
        output_sequence_length=6 if output_mode == "int" else None,
    )
    tv.adapt(CORPUS)
    inp = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inp, tv(inp))
    q = np.array(IO["inputs"], dtype=object)[:, None]
    expected = model.predict(q, verbose=0)
    path = tmp_path / "tv.keras"
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    again = keras.saving.load_model(path)
    assert again.layers[1].get_vocabulary() == tv.get_vocabulary()
    np.testing.assert_allclose(again.predict(q, verbose=0), expected, rtol=1e-6)


def test_given_vocabulary_lives_in_the_config_not_in_assets(tmp_path):
    lookup = layers.StringLookup(vocabulary=["a", "b", "c"], num_oov_indices=2)
    inp = keras.Input(shape=(2,), dtype="string")
    model = keras.Model(inp, lookup(inp))
    model.save(tmp_path / "l.keras")
    zf = zipfile.ZipFile(tmp_path / "l.keras")
    assert not [n for n in zf.namelist() if n.startswith("assets/")]
    cfg = json.loads(zf.read("config.json"))["config"]["layers"][1]["config"]
    assert cfg["vocabulary"] == ["a", "b", "c"] and cfg["num_oov_indices"] == 2
    again = keras.saving.load_model(tmp_path / "l.keras")
    x = np.array([["a", "zz"], ["c", "b"]], dtype=object)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_text_classifier_trains_on_strings():
    keras.utils.set_random_seed(0)
    pos = ["good great fine", "great good", "fine good nice", "nice great"]
    neg = ["bad awful poor", "awful bad", "poor bad sad", "sad awful"]
    x = np.array(pos * 4 + neg * 4, dtype=object)
    y = np.array([1] * 16 + [0] * 16, "float32")
    tv = layers.TextVectorization(output_mode="multi_hot")
    tv.adapt(x)
    model = keras.Sequential(
        [keras.Input(shape=(1,), dtype="string"), tv, layers.Dense(1, activation="sigmoid")]
    )
    model.compile(keras.optimizers.Adam(0.1), "binary_crossentropy", ["accuracy"])
    hist = model.fit(x[:, None], y, epochs=10, batch_size=8, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0


def test_lookup_and_hashing_configs_round_trip():
    for layer in (
        layers.StringLookup(vocabulary=["x", "y"], mask_token="", output_mode="int"),
        layers.IntegerLookup(vocabulary=[5, 9], num_oov_indices=2),
        layers.Hashing(7, salt=3, mask_value="m"),
        layers.HashedCrossing(9, output_mode="one_hot"),
        layers.CategoryEncoding(4, output_mode="count"),
        layers.Discretization(bin_boundaries=[0.0, 1.0]),
    ):
        clone = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
        assert clone.get_config() == layer.get_config()


def test_vocabulary_file_path_is_refused_with_a_fix():
    with pytest.raises(ValueError, match="splitlines"):
        layers.StringLookup(vocabulary="/etc/passwd")


def test_adapt_streams_a_generator_of_batches():
    def batches():
        for i in range(50):
            yield np.array([f"word{i % 7} common", "common"], dtype=object)

    tv = layers.TextVectorization()
    tv.adapt(batches())
    vocab = tv.get_vocabulary()
    assert vocab[:3] == ["", "[UNK]", "common"]
    assert sorted(vocab[3:]) == sorted(f"word{i}" for i in range(7))
    assert len(tv._lookup_layer._counts) == 0  # counts are released after finalize


ORACLE = os.environ.get("MINIKERAS_ORACLE_PYTHON", "/opt/kvenv/bin/python")


@pytest.mark.oracle
def test_real_keras_on_tensorflow_loads_our_text_vectorization_archive(tmp_path):
    import subprocess

    if not os.path.exists(ORACLE):
        pytest.skip("no real Keras install (set MINIKERAS_ORACLE_PYTHON)")
    tv = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    tv.adapt(CORPUS)
    inp = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inp, tv(inp))
    model.save(tmp_path / "tv.keras")
    q = [[s] for s in IO["inputs"]]
    script = f"""
import os, json
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np, keras, tensorflow as tf
m = keras.saving.load_model({str(tmp_path / "tv.keras")!r})
out = m.predict(tf.constant(np.array({q!r}, dtype=object)), verbose=0)
json.dump(np.asarray(out).tolist(), open({str(tmp_path / "out.json")!r}, "w"))
"""
    done = subprocess.run([ORACLE, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(tmp_path / "out.json") as fh:
        theirs = json.load(fh)
    np.testing.assert_array_equal(theirs, model.predict(np.array(q, dtype=object), verbose=0))
