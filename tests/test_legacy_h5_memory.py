"""Keras 2 `.h5` models: what the file claims is checked against memory before any
weight exists, and weights are filled from the file without running initializers.

The files are small: a Dense(1000) kernel declared (1000, 1000) float32 (3.8 MiB) is
stored gzip-compressed. `backend.memory.allocatable_bytes` is patched to a 2 MiB
machine, so the claim cannot fit; a spy on `Layer.add_weight` shows that nothing was
built when the refusal comes.
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import initializers
from minikeras.backend import memory
from minikeras.layers.layer import Layer

UNITS = 1000


def _config(units=UNITS):
    return {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"batch_input_shape": [None, units], "dtype": "float32", "name": "x"},
                },
                {
                    "class_name": "Dense",
                    "config": {"name": "dense", "units": units, "activation": "linear"},
                },
            ],
        },
    }


def _keras2_dense_file(path, units=UNITS, kernel=None, weights_only=False):
    kernel = np.zeros((units, units), np.float32) if kernel is None else kernel
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.13.1"
        f.attrs["backend"] = "tensorflow"
        if weights_only:
            weights = f
        else:
            f.attrs["model_config"] = json.dumps(_config(units))
            weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"x", b"dense"]
        weights.create_group("x").attrs["weight_names"] = np.zeros((0,), np.float64)
        dense = weights.create_group("dense")
        dense.attrs["weight_names"] = [b"dense/kernel:0", b"dense/bias:0"]
        dense.create_dataset("dense/kernel:0", data=kernel, compression="gzip")
        dense.create_dataset("dense/bias:0", data=np.arange(units, dtype=np.float32))
    return path


@pytest.fixture
def add_weight_calls(monkeypatch):
    calls = []
    original = Layer.add_weight

    def spy(self, *args, **kwargs):
        calls.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Layer, "add_weight", spy)
    return calls


def test_claimed_weights_beyond_memory_are_refused_before_building(
    tmp_path, monkeypatch, add_weight_calls
):
    path = _keras2_dense_file(tmp_path / "big.h5")
    assert path.stat().st_size < 200_000  # the claim is 3.8 MiB, the file is small
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 2 * 2**20)
    with pytest.raises(ValueError) as info:
        minikeras.models.load_model(path)
    message = str(info.value)
    assert "big.h5" in message
    assert "'dense/dense/kernel:0' of shape (1000, 1000) float32" in message
    assert "3.8 MiB, more than the 2.0 MiB of memory available now" in message
    assert add_weight_calls == []


def test_claim_that_fits_loads_without_running_initializers(
    tmp_path, monkeypatch, add_weight_calls
):
    kernel = np.random.default_rng(0).normal(size=(UNITS, UNITS)).astype(np.float32)
    path = _keras2_dense_file(tmp_path / "fits.h5", kernel=kernel)
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 64 * 2**20)

    def no_init(self, *args, **kwargs):
        raise AssertionError("an initializer ran while loading weights from a file")

    monkeypatch.setattr(initializers.GlorotUniform, "__call__", no_init)
    monkeypatch.setattr(initializers.Zeros, "__call__", no_init)
    model = minikeras.models.load_model(path)
    assert add_weight_calls == ["dense", "dense"]
    np.testing.assert_array_equal(model.layers[-1].kernel.value, kernel)
    x = np.ones((2, UNITS), np.float32)
    want = x @ kernel.astype(np.float64) + np.arange(UNITS)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-3)


def test_claimed_arrays_reads_metadata_only(tmp_path, monkeypatch):
    from minikeras.saving import legacy_h5_weights

    path = _keras2_dense_file(tmp_path / "m.h5")
    read = []
    original = h5py.Dataset.__getitem__
    monkeypatch.setattr(
        h5py.Dataset, "__getitem__", lambda ds, key: read.append(ds.name) or original(ds, key)
    )
    with h5py.File(path, "r") as f:
        claimed = legacy_h5_weights.claimed_arrays(f["model_weights"])
    assert [(n, s, np.dtype(d).name) for n, s, d in claimed] == [
        ("dense/dense/kernel:0", (UNITS, UNITS), "float32"),
        ("dense/dense/bias:0", (UNITS,), "float32"),
    ]
    assert read == []


def test_cli_json_and_weights_claim_checked_before_building(
    tmp_path, monkeypatch, capsys, add_weight_calls
):
    from minikeras.cli.main import main

    (tmp_path / "m.json").write_text(json.dumps(_config()))
    _keras2_dense_file(tmp_path / "w.h5", weights_only=True)
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 2 * 2**20)
    code = main(["summary", str(tmp_path / "m.json"), "--weights", str(tmp_path / "w.h5")])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert "\n" not in err
    assert "w.h5" in err and "of shape (1000, 1000) float32" in err, err
    assert "more than the 2.0 MiB of memory available now" in err, err
    assert add_weight_calls == []


def test_cli_json_and_weights_fill_without_initializers(tmp_path, monkeypatch, capsys):
    from minikeras.cli.main import main

    kernel = np.random.default_rng(1).normal(size=(UNITS, UNITS)).astype(np.float32)
    (tmp_path / "m.json").write_text(json.dumps(_config()))
    _keras2_dense_file(tmp_path / "w.h5", kernel=kernel, weights_only=True)

    def no_init(self, *args, **kwargs):
        raise AssertionError("an initializer ran while loading weights from a file")

    monkeypatch.setattr(initializers.GlorotUniform, "__call__", no_init)
    argv = ["convert", tmp_path / "m.json", "--weights", tmp_path / "w.h5", tmp_path / "m.keras"]
    assert main([str(a) for a in argv]) == 0, capsys.readouterr().err
    model = minikeras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.layers[-1].kernel.value, kernel)


def _mlp_json(branches=4, width=500):
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, width]}}]
    layers += [
        {"class_name": "Dense", "config": {"name": f"d{i}", "units": width}}
        for i in range(branches)
    ]
    return json.dumps({"class_name": "Sequential", "config": {"name": "mlp", "layers": layers}})


def test_model_from_json_checks_the_total_before_initializing(monkeypatch):
    # Four 500x500 float32 kernels: each under the 1 MiB per-weight check, 3.8 MiB together.
    calls = []
    original = initializers.GlorotUniform.__call__

    def spy(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(initializers.GlorotUniform, "__call__", spy)
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 2 * 2**20)
    with pytest.raises(ValueError, match=r"The model's weights \(8 arrays\) needs 3\.8 MiB"):
        minikeras.models.model_from_json(_mlp_json())
    assert calls == []
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 64 * 2**20)
    model = minikeras.models.model_from_json(_mlp_json())
    assert calls == [(500, 500)] * 4
    assert all(np.abs(np.asarray(la.kernel.value)).max() > 0 for la in model.layers)


def test_model_from_json_draws_like_building_in_code():
    minikeras.utils.set_random_seed(5)
    from_json = minikeras.models.model_from_json(_mlp_json(branches=2, width=6))
    minikeras.utils.set_random_seed(5)
    in_code = minikeras.Sequential(
        [minikeras.Input((6,)), minikeras.layers.Dense(6), minikeras.layers.Dense(6)]
    )
    for a, b in zip(from_json.weights, in_code.weights):
        np.testing.assert_array_equal(a.value, b.value)
    assert np.abs(from_json.layers[0].kernel.value).max() > 0


def test_model_from_json_draws_as_immediate_initialization():
    from minikeras import layers
    from minikeras.legacy.saving import loading

    model = minikeras.Sequential(
        [
            minikeras.Input((5,), dtype="int32"),
            layers.Embedding(10, 4),
            layers.LSTM(3, return_sequences=True, dropout=0.2),
            layers.BatchNormalization(),
            layers.Bidirectional(layers.GRU(2)),
            layers.Dense(2),
        ]
    )
    text = model.to_json()
    minikeras.utils.set_random_seed(7)
    immediate = loading.model_from_config(json.loads(text))  # each weight drawn at creation
    minikeras.utils.set_random_seed(7)
    deferred = minikeras.models.model_from_json(text)
    assert [w.path for w in deferred.weights] == [w.path for w in immediate.weights]
    for a, b in zip(deferred.weights, immediate.weights):
        np.testing.assert_array_equal(a.value, b.value, err_msg=a.path)


@pytest.mark.parametrize("how", ["model_from_config", "clone_model"])
def test_model_from_config_and_clone_model_check_the_total_first(monkeypatch, how):
    calls = []
    original = initializers.GlorotUniform.__call__

    def spy(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    config = json.loads(_mlp_json())
    model = minikeras.models.model_from_json(_mlp_json()) if how == "clone_model" else None
    monkeypatch.setattr(initializers.GlorotUniform, "__call__", spy)
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 2 * 2**20)

    def build():
        if how == "clone_model":
            return minikeras.models.clone_model(model)
        return minikeras.models.model_from_config(config)

    with pytest.raises(ValueError, match=r"The model's weights \(8 arrays\) needs 3\.8 MiB"):
        build()
    assert calls == []
    monkeypatch.setattr(memory, "allocatable_bytes", lambda: 64 * 2**20)
    built = build()
    assert calls == [(500, 500)] * 4
    assert all(np.abs(np.asarray(la.kernel.value)).max() > 0 for la in built.layers)
