"""`hard_sigmoid` is clip(0.2x+0.5) in Keras 1/2 files and clip(x/6+0.5) in Keras 3's.

Old files load with Keras 2's definition; writing a model in the other Keras' format
rescales the weights feeding the activation (exact, since hs2(z) == hs3(1.2 z)) or
refuses where no rescaling can carry it.
"""

from __future__ import annotations

import json
import zipfile

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import layers

RNG = np.random.default_rng(3)


def test_definitions():
    x = np.linspace(-4, 4, 81).astype(np.float32)
    np.testing.assert_allclose(
        minikeras.activations.get("hard_sigmoid_keras2")(x), np.clip(0.2 * x + 0.5, 0, 1), atol=1e-7
    )
    np.testing.assert_allclose(
        minikeras.activations.get("hard_sigmoid")(x), np.clip(x / 6 + 0.5, 0, 1), atol=1e-7
    )


def test_keras2_hard_sigmoid_gradient():
    from minikeras.testing import gradient_check

    x = np.array([-3.0, -1.0, 0.3, 2.0, 3.0])  # kinks at +-2.5 avoided
    gradient_check(minikeras.ops.hard_sigmoid_keras2, [x])


def _model(rec, act="hard_sigmoid"):
    model = minikeras.Sequential(
        [
            layers.Input((5, 3)),
            layers.LSTM(4, recurrent_activation=rec, return_sequences=True),
            layers.GRU(3, recurrent_activation=rec, reset_after=False, return_sequences=True),
            layers.Dense(2, activation=act),
        ]
    )
    for w in model.weights:
        w.assign(RNG.normal(size=w.shape).astype(np.float32))
    return model


def _config_text(path) -> str:
    if str(path).endswith(".keras"):
        with zipfile.ZipFile(path) as zf:
            return zf.read("config.json").decode()
    with h5py.File(path) as f:
        return f.attrs["model_config"]


@pytest.mark.parametrize("rec,suffix", [("hard_sigmoid", ".h5"), ("hard_sigmoid_keras2", ".keras")])
def test_written_in_the_other_kerases_terms(tmp_path, rec, suffix):
    model = _model(rec, act=rec)
    x = RNG.normal(size=(2, 5, 3)).astype(np.float32) * 3
    path = tmp_path / f"m{suffix}"
    model.save(path)
    text = _config_text(path)
    assert "hard_sigmoid_keras2" not in text and '"hard_sigmoid"' in text
    again = minikeras.models.load_model(path, compile=False)
    np.testing.assert_allclose(
        again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )
    assert [type(a).__name__ for a in again.layers] == ["LSTM", "GRU", "Dense"]


def test_keras2_json_keeps_minikeras_hard_sigmoid_exact():
    model = _model("hard_sigmoid")
    text = model.to_json()
    assert json.loads(text)["minikeras_hard_sigmoid"] == "keras3"
    again = minikeras.models.model_from_json(text)
    assert again.layers[0].get_config()["recurrent_activation"] == "hard_sigmoid"


def test_unrescalable_use_is_refused(tmp_path):
    model = minikeras.Sequential(
        [layers.Input((3,)), layers.Dense(2), layers.Activation("hard_sigmoid_keras2")]
    )
    with pytest.raises(ValueError, match="Activation.*hard_sigmoid.*`.h5`"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()
    with pytest.raises(ValueError, match="Keras 3 JSON cannot name"):
        model.to_json(keras_version=3)
