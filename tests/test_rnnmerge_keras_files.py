"""A model of recurrent/merging layers against files written by Keras 3.15.1.

tests/fixtures/rnnmerge/keras3_rnn_zoo/ was made by
tests/fixtures/rnnmerge/gen_keras_files.py (Keras 3.15.1, JAX backend).
"""

from __future__ import annotations

import json

import numpy as np

import minikeras as keras
from minikeras import layers as L


def _zoo():
    inp = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(20, 4, mask_zero=True, name="emb")(inp)
    b = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bidi")(e)
    g = L.GRU(3, return_sequences=True, name="gru")(b)
    t = L.TimeDistributed(L.Dense(2), name="td")(g)
    s = L.SimpleRNN(2, name="srnn")(t)
    side = L.GRU(2, reset_after=False, name="gru_v1")(e)
    m = L.Concatenate(name="cat")([s, side])
    out = L.Dense(1, activation="sigmoid", name="out")(m)
    return keras.Model(inp, out, name="rnn_zoo")


def test_weight_order_and_paths_match_keras(fixtures_dir):
    info = json.loads((fixtures_dir / "rnnmerge" / "keras3_rnn_zoo" /
                       "weight_paths.json").read_text())
    model = _zoo()
    assert [[w.path, list(w.shape)] for w in model.weights] == info["model.weights_order"]


def test_keras3_legacy_h5_loads_and_predicts(fixtures_dir, tmp_path):
    d = fixtures_dir / "rnnmerge" / "keras3_rnn_zoo"
    io = np.load(d / "io.npz")
    model = _zoo()
    model.load_weights(d / "k3_full.h5")
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], rtol=1e-5, atol=1e-6)
    # Round trip through our own HDF5 writer into a fresh model.
    model.save_weights(tmp_path / "w.h5")
    fresh = _zoo()
    fresh.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(fresh.predict(io["x"], verbose=0), io["y"], rtol=1e-5, atol=1e-6)
