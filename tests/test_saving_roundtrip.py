"""Models minikeras writes come back identical, in every format, with optimizer state."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import layers, models, optimizers

MODEL_FORMATS = ["model.keras", "model.h5"]
WEIGHT_FORMATS = ["w.weights.h5", "w.h5", "w.hdf5", "w.npz"]


def sequential():
    model = models.Sequential(
        [
            layers.Dense(8, input_dim=3, activation="tanh"),
            layers.Dropout(0.1),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def functional():
    """Two inputs, a shared layer called twice, a nested model and two outputs."""
    inner_in = layers.Input((4,), name="inner_in")
    inner = models.Model(
        inner_in, layers.Dense(4, activation="relu", name="inner_dense")(inner_in), name="inner"
    )
    a = layers.Input((4,), name="a")
    b = layers.Input((4,), name="b")
    shared = layers.Dense(5, name="shared")
    ha, hb = shared(a), shared(inner(b))
    out1 = layers.Dense(1, activation="sigmoid", name="out1")(ha)
    out2 = layers.Dense(2, name="out2")(hb)
    model = models.Model([a, b], [out1, out2], name="fm")
    model.compile(optimizer=optimizers.SGD(0.05, momentum=0.9), loss=["binary_crossentropy", "mse"])
    return model


def data(model, rng):
    if len(model.inputs) == 1:
        x = rng.normal(size=(12, 3)).astype("float32")
        y = np.eye(2, dtype="float32")[rng.integers(0, 2, 12)]
        return x, y
    x = [rng.normal(size=(12, 4)).astype("float32") for _ in range(2)]
    y = [(rng.random((12, 1)) > 0.5).astype("float32"), rng.normal(size=(12, 2)).astype("f")]
    return x, y


def flat(pred):
    return np.concatenate([np.ravel(p) for p in (pred if isinstance(pred, list) else [pred])])


@pytest.fixture(params=[sequential, functional], ids=["sequential", "functional"])
def trained(request):
    model = request.param()
    rng = np.random.default_rng(0)
    x, y = data(model, rng)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return model, x, y


@pytest.mark.parametrize("fname", MODEL_FORMATS)
def test_model_round_trip_and_training_continues(trained, fname, tmp_path):
    model, x, y = trained
    model.save(tmp_path / fname)
    loaded = models.load_model(tmp_path / fname)
    np.testing.assert_array_equal(
        flat(loaded.predict(x, verbose=0)), flat(model.predict(x, verbose=0))
    )
    assert [lay.name for lay in loaded.layers] == [lay.name for lay in model.layers]
    assert int(loaded.optimizer.iterations.value) == int(model.optimizer.iterations.value) == 6
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # One more step on each: identical only if the optimizer state was restored.
    for m in (model, loaded):
        minikeras.utils.set_random_seed(5)  # same Dropout masks for both
        m.fit(x, y, epochs=1, batch_size=12, verbose=0, shuffle=False)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-7)


@pytest.mark.parametrize("fname", WEIGHT_FORMATS)
def test_weights_round_trip(trained, fname, tmp_path):
    model, x, _ = trained
    model.save_weights(tmp_path / fname)
    fresh = models.model_from_json(model.to_json())
    assert not np.array_equal(flat(fresh.predict(x, verbose=0)), flat(model.predict(x, verbose=0)))
    fresh.load_weights(tmp_path / fname)
    np.testing.assert_array_equal(
        flat(fresh.predict(x, verbose=0)), flat(model.predict(x, verbose=0))
    )


@pytest.mark.parametrize("version", [2, 3])
def test_json_round_trip_both_flavours(trained, version):
    model, _, _ = trained
    text = model.to_json(keras_version=version)
    clone = models.model_from_json(text)
    original = json.loads(text)
    assert (original.pop("compile_config", None) is not None) == (version == 3)
    assert json.loads(clone.to_json(keras_version=version)) == original
    assert [lay.name for lay in clone.layers] == [lay.name for lay in model.layers]
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]


def test_keras2_json_spelling():
    model = sequential()
    cfg = json.loads(model.to_json())
    assert cfg["keras_version"] == "2.21.0" and cfg["backend"] == "tensorflow"
    first = cfg["config"]["layers"][0]
    assert first["class_name"] == "InputLayer"
    assert first["config"]["batch_input_shape"] == [None, 3]
    assert cfg["config"]["layers"][1]["config"]["dtype"] == "float32"


def test_keras3_json_spelling():
    model = sequential()
    cfg = json.loads(model.to_json(keras_version=3))
    assert cfg["module"] == "keras" and cfg["registered_name"] is None
    assert cfg["config"]["build_input_shape"] == [None, 3]
    assert cfg["config"]["layers"][0]["config"]["batch_shape"] == [None, 3]
    assert cfg["config"]["layers"][1]["config"]["dtype"]["class_name"] == "DTypePolicy"
    assert cfg["compile_config"]["loss"] == "categorical_crossentropy"
    assert cfg["compile_config"]["optimizer"]["class_name"] == "Adam"


def test_functional_config_shared_layer_node_indices():
    model = functional()
    cfg = model.get_config()
    entries = {e["name"]: e for e in cfg["layers"]}
    shared_nodes = entries["shared"]["inbound_nodes"]
    assert len(shared_nodes) == 2
    hist = [n["args"][0]["config"]["keras_history"] for n in shared_nodes]
    # Keras 3.15 numbers a nested model's calls from 0 (checked with Keras 3.15: the same
    # graph gives [["a", 0, 0], ["inner", 0, 0]]); tf_keras adds its construction node.
    assert hist == [["a", 0, 0], ["inner", 0, 0]]
    assert entries["out2"]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == [
        "shared",
        1,
        0,
    ]
    assert cfg["output_layers"] == [["out1", 0, 0], ["out2", 0, 0]]
    k2 = json.loads(model.to_json())["config"]
    k2_entries = {e["name"]: e for e in k2["layers"]}
    assert k2_entries["shared"]["inbound_nodes"] == [[["a", 0, 0, {}]], [["inner", 1, 0, {}]]]


def test_legacy_h5_layout_matches_tf_keras(tmp_path):
    model = sequential()
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:
        assert f.attrs["keras_version"] == "2.21.0"
        assert list(f.attrs["layer_names"]) == ["dense", "dropout", "dense_1"]
        assert list(f["dense"].attrs["weight_names"]) == ["dense/kernel:0", "dense/bias:0"]
        assert f["dropout"].attrs["weight_names"].dtype == np.float64
        assert f["dense/dense/kernel:0"].shape == (3, 8)
        assert "top_level_model_weights" in f


def test_keras3_weights_layout(tmp_path):
    model = functional()
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:
        assert sorted(f["layers"]) == [
            "dense",
            "dense_1",
            "dense_2",
            "functional",
            "input_layer",
            "input_layer_1",
        ]
        assert f["layers/dense/vars"].attrs["name"] == "shared"
        assert f["layers/functional/vars"].attrs["name"] == "inner"
        assert f["layers/functional/layers/dense/vars/0"].shape == (4, 4)
        assert f["vars"].attrs["name"] == "fm"
        assert f["optimizer/vars"].attrs["name"] == "sgd"
        assert f["optimizer/vars/0"].dtype == np.int32


def test_keras_archive_members(tmp_path):
    sequential().save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert json.loads(zf.read("metadata.json"))["keras_version"] == "3.15.1"


def test_by_name_and_skip_mismatch(tmp_path):
    src = models.Sequential([layers.Dense(4, input_dim=3, name="a"), layers.Dense(2, name="b")])
    src.save_weights(tmp_path / "w.h5")
    dst = models.Sequential(
        [
            layers.Dense(4, input_dim=3, name="a"),
            layers.Dense(5, name="b"),
            layers.Dense(1, name="c"),
        ]
    )
    before_b = dst.get_layer("b").get_weights()
    with pytest.raises(ValueError, match="Shape mismatch in layer 'b'"):
        dst.load_weights(tmp_path / "w.h5", by_name=True)
    with pytest.warns(UserWarning, match="Skipping loading weights of layer 'b'"):
        dst.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(
        dst.get_layer("a").get_weights()[0], src.get_layer("a").get_weights()[0]
    )
    np.testing.assert_array_equal(dst.get_layer("b").get_weights()[0], before_b[0])


def test_save_weights_unknown_extension(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        sequential().save_weights(tmp_path / "w.bin")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        sequential().save(tmp_path / "m.bin")


@pytest.mark.parametrize("fname", ["m.keras", "m.h5"])
def test_nested_sequential_called_twice(fname, tmp_path):
    seq = models.Sequential([layers.Dense(3, input_dim=4), layers.Dense(2)], name="seqnet")
    inp = layers.Input((4,), name="i")
    out = layers.Dense(1, name="o")(seq(inp))
    model = models.Model(inp, [out, seq(inp)], name="outer")
    k2 = json.loads(model.to_json())["config"]
    k3 = json.loads(model.to_json(keras_version=3))["config"]
    # tf_keras' Sequential has a built-in node 0; Keras 3's does not.
    assert k2["output_layers"] == [["o", 0, 0], ["seqnet", 2, 0]]
    assert k3["output_layers"] == [["o", 0, 0], ["seqnet", 1, 0]]
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    model.save(tmp_path / fname)
    loaded = models.load_model(tmp_path / fname)
    np.testing.assert_array_equal(
        flat(loaded.predict(x, verbose=0)), flat(model.predict(x, verbose=0))
    )


def test_untrained_compiled_model_round_trip(tmp_path):
    model = sequential()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        with h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as f:
            assert len(f["optimizer/vars"]) == 2  # iteration, learning_rate: as Keras 3
    loaded = models.load_model(tmp_path / "m.keras")
    assert not loaded.optimizer.built
    assert float(loaded.optimizer.learning_rate.numpy()) == pytest.approx(0.01)


def test_load_weights_from_keras_archive_and_by_name_on_keras3_file(trained, tmp_path):
    model, x, _ = trained
    model.save(tmp_path / "m.keras")
    fresh = models.model_from_json(model.to_json())
    fresh.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(
        flat(fresh.predict(x, verbose=0)), flat(model.predict(x, verbose=0))
    )
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="by_name=True.*Keras 2"):
        fresh.load_weights(tmp_path / "w.weights.h5", by_name=True)


def test_many_layers_split_name_attributes(tmp_path):
    """Attributes over HDF5's 64 KB header limit are split into `layer_names0`, ... (Keras)."""
    stack = [layers.Input((2,))] + [
        layers.Activation("linear", name=f"a_rather_long_layer_name_number_{i:05d}")
        for i in range(1500)
    ]
    model = models.Sequential(stack + [layers.Dense(1, name="out")])
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
    fresh = models.Sequential.from_config(model.get_config())
    fresh.load_weights(tmp_path / "w.h5")
    np.testing.assert_array_equal(fresh.get_weights()[0], model.get_weights()[0])


class TwoDense(models.Model):
    """A subclassed model: saved with its config + build shape, re-created via custom_objects."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.d1 = layers.Dense(units, activation="relu")
        self.d2 = layers.Dense(1)

    def call(self, x):
        return self.d2(self.d1(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@pytest.mark.parametrize("fname", MODEL_FORMATS)
def test_subclassed_model_round_trip(fname, tmp_path):
    model = TwoDense(4)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / fname)
    with pytest.raises(ValueError, match="Unknown layer: 'TwoDense'"):
        models.load_model(tmp_path / fname)
    loaded = models.load_model(tmp_path / fname, custom_objects={"TwoDense": TwoDense})
    assert isinstance(loaded, TwoDense) and loaded.units == 4
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_layout_detected_from_contents_not_name(trained, tmp_path):
    model, x, _ = trained
    model.save_weights(tmp_path / "w.npz")
    model.save_weights(tmp_path / "w.h5")
    model.save(tmp_path / "m.keras")
    (tmp_path / "w.npz").rename(tmp_path / "npz_named.weights.h5")
    (tmp_path / "w.h5").rename(tmp_path / "legacy_named.npz")
    (tmp_path / "m.keras").rename(tmp_path / "archive_named.h5")
    for name in ("npz_named.weights.h5", "legacy_named.npz", "archive_named.h5"):
        fresh = models.model_from_json(model.to_json())
        fresh.load_weights(tmp_path / name)
        np.testing.assert_array_equal(
            flat(fresh.predict(x, verbose=0)), flat(model.predict(x, verbose=0))
        )
    loaded = models.load_model(tmp_path / "archive_named.h5")
    assert loaded.compiled


def test_skip_mismatch_keras3_layout(tmp_path):
    src = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(2)])
    src.save_weights(tmp_path / "w.weights.h5")
    dst = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(5)])
    with pytest.raises(ValueError, match=r"expects \(4, 5\), the file has \(4, 2\)"):
        dst.load_weights(tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="Skipping loading weights"):
        dst.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(dst.layers[0].get_weights()[0], src.layers[0].get_weights()[0])


@pytest.mark.parametrize("fname", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_graph_with_ops_on_keras_tensors(fname, tmp_path):
    """`ops.multiply(h, 2.0)` in a graph is an op node (Keras 3 `Multiply` from
    `keras.src.ops.numpy`), not the `Multiply` merge layer, in every format."""
    from minikeras import ops

    inp = layers.Input((4,), name="x")
    h = layers.Dense(3, name="d")(inp)
    out = ops.sum(ops.multiply(h, 2.0), axis=-1, keepdims=True) + 1.0
    model = models.Model(inp, out, name="opsm")
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    if fname.startswith("m."):
        model.save(tmp_path / fname)
        again = models.load_model(tmp_path / fname)
    else:
        model.save_weights(tmp_path / fname)
        again = models.model_from_json(model.to_json())
        again.load_weights(tmp_path / fname)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
