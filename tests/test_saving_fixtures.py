"""Every public fixture model loads from every file real Keras wrote for it.

Files in tests/fixtures/keras_files/ were written by Keras 3.15.1 (`k3/`) and
tf_keras 2.21.0 (`tfk/`); `io.npz` holds the prediction that real Keras made.
A model whose layer classes minikeras does not have yet is skipped, naming them.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import minikeras
from minikeras import layers, models, ops

FILES = Path(__file__).parent / "fixtures" / "keras_files"
SUMMARIES = Path(__file__).parent / "fixtures" / "summaries"

NEEDS = {
    "p1_xor": [],
    "p2_mlp_mnist": ["Dropout"],
    "p3_cnn": ["Conv2D", "MaxPooling2D", "Flatten"],
    "p4_embedding": ["Embedding", "GlobalAveragePooling1D"],
    "p5_batchnorm_mlp": ["BatchNormalization"],
    "p6_func_two_inputs": ["Concatenate"],
}
OPTIMIZER = {
    "p1_xor": "SGD",
    "p2_mlp_mnist": "Adam",
    "p3_cnn": "Adam",
    "p4_embedding": "RMSprop",
    "p5_batchnorm_mlp": "SGD",
    "p6_func_two_inputs": "Adam",
}
ITERATIONS = {
    "p1_xor": 5,
    "p2_mlp_mnist": 4,
    "p3_cnn": 4,
    "p4_embedding": 4,
    "p5_batchnorm_mlp": 9,
    "p6_func_two_inputs": 4,
}
MODELS = sorted(NEEDS)


def require_layers(name: str) -> None:
    missing = [c for c in NEEDS[name] if not hasattr(minikeras.layers, c)]
    assert not missing, f"minikeras.layers has no {', '.join(missing)} (needed by {name})"


def require_optimizer(name: str) -> None:
    assert hasattr(minikeras.optimizers, OPTIMIZER[name]), f"no optimizer {OPTIMIZER[name]}"


def io_of(path: Path):
    data = np.load(path / "io.npz")
    xs = [data[k] for k in sorted(data.files) if k.startswith("x")]
    return (xs[0] if len(xs) == 1 else xs), data["y"]


def assert_predicts(model, path: Path) -> None:
    x, y = io_of(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5, rtol=1e-5)


def _written(text: str) -> dict:
    """minikeras' JSON without the one field it adds (which both Kerases ignore)."""
    from minikeras import __version__

    out = json.loads(text)
    assert out.pop("minikeras_version") == __version__
    return out


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("flavour,weights", [("tfk", "w.h5"), ("k3", "model.weights.h5")])
def test_json_plus_weights(name, flavour, weights):
    require_layers(name)
    d = FILES / name / flavour
    model = models.model_from_json((d / "model.json").read_text())
    model.load_weights(d / weights)
    assert_predicts(model, d)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize(
    "flavour,fname", [("tfk", "full.h5"), ("k3", "k3_full.h5"), ("k3", "model.keras")]
)
def test_load_model_uncompiled(name, flavour, fname):
    require_layers(name)
    d = FILES / name / flavour
    model = models.load_model(d / fname, compile=False)
    assert not model.compiled
    assert_predicts(model, d)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize(
    "flavour,fname", [("tfk", "full.h5"), ("k3", "k3_full.h5"), ("k3", "model.keras")]
)
def test_load_model_compiled_restores_optimizer(name, flavour, fname):
    require_layers(name)
    require_optimizer(name)
    d = FILES / name / flavour
    model = models.load_model(d / fname)
    assert model.compiled
    assert type(model.optimizer).__name__ == OPTIMIZER[name]
    assert int(model.optimizer.iterations.value) == ITERATIONS[name]
    assert_predicts(model, d)


def test_p1_keras24_layout_and_json():
    d = FILES / "p1_xor" / "derived"
    model = models.model_from_json((d / "model_k24style.json").read_text())
    model.load_weights(d / "w_k24layout.h5")
    assert_predicts(model, d)


def test_p1_optimizer_state_values_from_tf_keras():
    """SGD(momentum=0) in minikeras has no slots; Adam slots map m→momentum, v→velocity."""
    import h5py

    d = FILES / "p2_mlp_mnist" / "tfk"
    model = models.load_model(d / "full.h5")
    with h5py.File(d / "full.h5") as f:
        m = f["optimizer_weights/Adam/m/dense/kernel:0"][()]
        v = f["optimizer_weights/Adam/v/dense_1/bias:0"][()]
    slots = {var.name: var.numpy() for var in model.optimizer.variables}
    np.testing.assert_array_equal(slots["dense_kernel_momentum"], m)
    np.testing.assert_array_equal(slots["dense_1_bias_velocity"], v)
    assert np.abs(m).max() > 0


def test_p1_k3_optimizer_state_values():
    import h5py

    d = FILES / "p2_mlp_mnist" / "k3"
    model = models.load_model(d / "model.keras")
    with h5py.File(d / "model.weights.h5") as f:
        expected = [f["optimizer/vars"][str(i)][()] for i in range(len(f["optimizer/vars"]))]
    got = [v.numpy() for v in model.optimizer.variables]
    assert len(got) == len(expected) == 10
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("name", MODELS)
def test_keras3_json_written_back_identically(name):
    """model_from_json(Keras 3 JSON).to_json(keras_version=3) reproduces Keras 3's JSON."""
    require_layers(name)
    text = (FILES / name / "k3" / "model.json").read_text()
    expected = json.loads(text)
    expected.pop("compile_config")  # model_from_json does not compile
    model = models.model_from_json(text)
    assert _written(model.to_json(keras_version=3)) == expected


@pytest.mark.parametrize("name", MODELS)
def test_tf_keras_json_written_back_identically(name):
    """model_from_json(tf_keras JSON).to_json() reproduces tf_keras' JSON exactly."""
    require_layers(name)
    text = (FILES / name / "tfk" / "model.json").read_text()
    model = models.model_from_json(text)
    assert _written(model.to_json()) == json.loads(text)


def test_book_model_to_json_matches_tf_keras():
    model = models.Sequential()
    model.add(layers.Dense(10, input_dim=2))
    model.add(layers.Activation("tanh"))
    model.add(layers.Dense(1))
    model.add(layers.Activation("sigmoid"))
    expected = json.loads((FILES / "p1_xor" / "tfk" / "model.json").read_text())
    assert _written(model.to_json()) == expected


@pytest.mark.parametrize("name", MODELS)
def test_summary_of_loaded_tf_keras_model(name):
    require_layers(name)
    model = models.load_model(FILES / name / "tfk" / "full.h5", compile=False)
    buf = io.StringIO()
    with redirect_stdout(buf):
        model.summary()
    assert buf.getvalue() == (SUMMARIES / f"{name}_tfk.txt").read_text()


# ----------------------------------------------------------------- p6 via custom_objects


class TestConcat(layers.Layer):
    """A user-defined concatenation, standing in for `Concatenate` via `custom_objects`."""

    __test__ = False

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape[0])
        shape[self.axis] = sum(s[self.axis] for s in input_shape)
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


CUSTOM = {"Concatenate": TestConcat}


@pytest.mark.parametrize(
    "flavour,fname",
    [
        ("tfk", "full.h5"),
        ("k3", "k3_full.h5"),
        ("k3", "model.keras"),
        ("tfk", "w.h5"),
        ("k3", "model.weights.h5"),
    ],
)
def test_p6_functional_with_custom_objects(flavour, fname):
    d = FILES / "p6_func_two_inputs" / flavour
    if fname.startswith(("w.", "model.weights")):
        model = models.model_from_json((d / "model.json").read_text(), custom_objects=CUSTOM)
        model.load_weights(d / fname)
    else:
        model = models.load_model(d / fname, custom_objects=CUSTOM)
        assert int(model.optimizer.iterations.value) == 4
    assert [lay.name for lay in model.layers] == [
        "in_a",
        "in_b",
        "dense_a",
        "dense_b",
        "concat",
        "out",
    ]
    assert model.name == "two_input_model"
    assert_predicts(model, d)


def test_p6_json_flavours_match_fixtures():
    for flavour, version in (("tfk", 2), ("k3", 3)):
        text = (FILES / "p6_func_two_inputs" / flavour / "model.json").read_text()
        model = models.model_from_json(text, custom_objects=CUSTOM)
        ours = _written(model.to_json(keras_version=version))
        ref = json.loads(text)
        ours_layers = ours["config"].pop("layers")
        ref_layers = ref["config"].pop("layers")
        assert ours["config"] == ref["config"]
        for a, b in zip(ours_layers, ref_layers):
            assert a["inbound_nodes"] == b["inbound_nodes"]
            assert a["name"] == b["name"]


def test_keras3_compile_objects_restored():
    """Loss/metric objects in `compile_config` (Keras 3.15.1 file): same evaluate()."""
    d = FILES / "k3_compile_objects"
    data = np.load(d / "io.npz")
    model = models.load_model(d / "model.keras")
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y"], atol=1e-6)
    assert type(model.loss).__name__ == "BinaryCrossentropy"
    got = model.evaluate(data["x"], data["y_true"], verbose=0, return_dict=True)
    expected = dict(zip(data["eval_names"].tolist(), data["eval_values"].tolist()))
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-6), key


def test_loaded_tf_keras_model_evaluates_with_restored_metrics():
    d = FILES / "p1_xor" / "tfk"
    model = models.load_model(d / "full.h5")
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(result) == ["accuracy", "loss"]
    pred = model.predict(x, verbose=0)
    expected_loss = -np.mean(y * np.log(pred) + (1 - y) * np.log(1 - pred))
    assert result["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert result["accuracy"] == pytest.approx(np.mean((pred > 0.5) == y))


def test_keras3_numeric_dataset_order_past_ten():
    """`optimizer/vars/10` .. `13` come after `9` (h5py lists them as strings: 10 < 2)."""
    import h5py

    d = FILES / "p6_func_two_inputs" / "k3"
    model = models.load_model(d / "model.keras", custom_objects=CUSTOM)
    with h5py.File(d / "model.weights.h5") as f:
        group = f["optimizer/vars"]
        assert sorted(group)[:3] == ["0", "1", "10"]
        expected = [group[str(i)][()] for i in range(len(group))]
    got = [v.numpy() for v in model.optimizer.variables]
    assert len(got) == len(expected) == 14
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert got[13].shape == (1,) and got[12].shape == (1,) and got[11].shape == (11, 1)


ZOO = Path(__file__).parent / "fixtures" / "rnnmerge" / "keras3_rnn_zoo"


@pytest.mark.parametrize("fname", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_keras3_rnn_zoo_with_op_nodes_round_trips(fname, tmp_path):
    """Keras 3.15.1 graph with Bidirectional/TimeDistributed wrappers and an explicit
    `not_equal` mask op node: loaded, then written and re-read in every format."""
    model = models.load_model(ZOO / "model.keras", compile=False)
    assert_predicts(model, ZOO)
    if fname.startswith("m."):
        model.save(tmp_path / fname)
        again = models.load_model(tmp_path / fname)
    else:
        model.save_weights(tmp_path / fname)
        again = models.model_from_json(model.to_json())
        again.load_weights(tmp_path / fname)
    assert_predicts(again, ZOO)


def test_keras3_rnn_zoo_json_written_back():
    text = (ZOO / "model.json").read_text()
    expected = json.loads(text)
    expected.pop("compile_config", None)
    ours = _written(models.model_from_json(text).to_json(keras_version=3))
    simple_rnn = [e for e in ours["config"]["layers"] if e["class_name"] == "SimpleRNN"]
    for entry in simple_rnn:  # minikeras' SimpleRNN also records its dropout seed
        entry["config"].pop("seed", None)
    assert ours == expected


def test_older_keras2_spellings():
    """Keras 2.0-2.3 JSON: functional models as class `Model`, Sequential config as a bare
    list of layers with `batch_input_shape` on the first one and no InputLayer."""
    text = (FILES / "p6_func_two_inputs" / "tfk" / "model.json").read_text()
    model = models.model_from_json(
        text.replace('"class_name": "Functional"', '"class_name": "Model"')
    )
    model.load_weights(FILES / "p6_func_two_inputs" / "tfk" / "w.h5")
    assert_predicts(model, FILES / "p6_func_two_inputs" / "tfk")
    cfg = json.loads((FILES / "p1_xor" / "derived" / "model_k24style.json").read_text())
    cfg["config"] = [e for e in cfg["config"]["layers"] if e["class_name"] != "InputLayer"]
    model = models.model_from_json(json.dumps(cfg))
    model.load_weights(FILES / "p1_xor" / "derived" / "w_k24layout.h5")
    assert_predicts(model, FILES / "p1_xor" / "derived")
