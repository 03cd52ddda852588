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
    info = json.loads(
        (fixtures_dir / "rnnmerge" / "keras3_rnn_zoo" / "weight_paths.json").read_text()
    )
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


def test_keras3_layer_configs_deserialize(fixtures_dir):
    """Every layer config in Keras' model.json rebuilds the same layer and weight shapes."""
    cfg = json.loads((fixtures_dir / "rnnmerge" / "keras3_rnn_zoo" / "model.json").read_text())
    ref = {lay.name: lay for lay in _zoo().layers}
    seen = []
    for entry in cfg["config"]["layers"]:
        if entry["class_name"] == "InputLayer":
            continue
        layer = L.deserialize(entry)
        seen.append(type(layer).__name__)
        if entry["module"].startswith("keras.src.ops"):  # Keras 3 records the mask op
            assert type(layer).__name__ == "NotEqual" and layer.op_name == "not_equal"
            continue
        assert type(layer) is type(ref[layer.name])
        assert layer.built, layer.name
        assert [w.shape for w in layer.weights] == [w.shape for w in ref[layer.name].weights]
        if hasattr(layer, "units"):
            assert layer.units == ref[layer.name].units
    assert sorted(set(seen)) == [
        "Bidirectional",
        "Concatenate",
        "Dense",
        "Embedding",
        "GRU",
        "NotEqual",
        "SimpleRNN",
        "TimeDistributed",
    ]


def _rebuild_keras3_graph(config):
    """A minimal reading of a Keras 3 functional config, to check the graph semantics the
    file-format loader relies on (explicit `mask=` op nodes, recorded `training=False`)."""
    from minikeras.ops.op_node import OpNode

    tensors = {}

    def resolve(obj):
        if isinstance(obj, dict) and obj.get("class_name") == "__keras_tensor__":
            name, node_index, index = obj["config"]["keras_history"]
            return tensors[(name, node_index, index)]
        if isinstance(obj, list):
            return [resolve(o) for o in obj]
        if isinstance(obj, dict):
            return {k: resolve(v) for k, v in obj.items()}
        return obj

    for entry in config["layers"]:
        layer = L.deserialize(entry)
        if entry["class_name"] == "InputLayer":
            tensors[(layer.name, 0, 0)] = layer.output_tensor
            continue
        for i, node in enumerate(entry["inbound_nodes"]):
            args, kwargs = resolve(node["args"]), resolve(node["kwargs"])
            out = (
                layer.call_op(*args, **kwargs)
                if isinstance(layer, OpNode)
                else layer(*args, **kwargs)
            )
            for j, t in enumerate(out if isinstance(out, list) else [out]):
                tensors[(layer.name, i, j)] = t

    def pick(ref):
        return tensors[tuple(ref)]

    ins, outs = config["input_layers"], config["output_layers"]
    ins = [pick(r) for r in ins] if isinstance(ins[0], list) else pick(ins)
    outs = [pick(r) for r in outs] if isinstance(outs[0], list) else pick(outs)
    return keras.Model(ins, outs, name=config["name"])


def test_keras3_graph_with_mask_op_nodes_predicts_like_keras(fixtures_dir):
    d = fixtures_dir / "rnnmerge" / "keras3_rnn_zoo"
    cfg = json.loads((d / "model.json").read_text())["config"]
    model = _rebuild_keras3_graph(cfg)
    io = np.load(d / "io.npz")
    model.load_weights(d / "k3_full.h5")
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], rtol=1e-5, atol=1e-6)
    # The recorded `training=False` kwargs do not freeze dropout-free training either.
    model.compile(optimizer="adam", loss="binary_crossentropy")
    before = model.get_weights()[1].copy()
    model.fit(io["x"], (io["y"] > 0.5).astype("float32"), epochs=1, verbose=0)
    assert not np.allclose(before, model.get_weights()[1])
