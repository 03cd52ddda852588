"""CNN and batch-norm models end to end: real Keras files, summaries, training."""

from __future__ import annotations

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.saving.json_format import model_from_json
from tests.conftest import FIXTURES

CN = FIXTURES / "convnorm"


@pytest.mark.parametrize("name", ["p3_cnn", "p5_batchnorm_mlp"])
def test_tf_keras_model_json_and_weights_predict_like_keras(name):
    """model.json + w.h5 written by tf_keras 2.21; io.npz holds tf_keras' predictions."""
    model = model_from_json((CN / name / "model.json").read_text())
    model.load_weights(str(CN / name / "w.h5"))
    io = np.load(CN / name / "io.npz")
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["p3_cnn", "p5_batchnorm_mlp"])
def test_keras3_model_json_loads_with_same_layers(name):
    text = (CN / name / "k3_model.json").read_text()
    model = model_from_json(text)
    expected = json.loads(text)["config"]["layers"]
    expected = [lay for lay in expected if lay["class_name"] != "InputLayer"]
    assert [type(lay).__name__ for lay in model.layers] == [e["class_name"] for e in expected]


@pytest.mark.parametrize("name", ["p3_cnn", "p5_batchnorm_mlp"])
def test_summary_matches_tf_keras(name):
    if name == "p3_cnn":
        model = keras.models.Sequential(
            [
                layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),
                layers.MaxPooling2D(),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ]
        )
    else:
        model = keras.models.Sequential(
            [
                layers.Dense(16, input_shape=(8,)),
                layers.BatchNormalization(),
                layers.Activation("relu"),
                layers.Dense(3, activation="softmax"),
            ]
        )
    lines = []
    model.summary(print_fn=lines.append)
    expected = (FIXTURES / "summaries" / f"{name}_tfk.txt").read_text()
    assert "\n".join(lines).strip() == expected.strip()


def test_keras3_cnn_zoo_config_shapes_params_and_predictions():
    """A Keras 3.15.1 Sequential using most conv/pool/norm layers (see make_fixtures.py)."""
    meta = json.loads((CN / "convnorm_k3.json").read_text())["cases"]["zoo"]
    arrays = np.load(CN / "convnorm_k3.npz")
    model = model_from_json(meta["json"])
    model.set_weights([arrays[f"zoo__w{i}"] for i in range(meta["n_weights"])])
    got = [
        [lay.name, type(lay).__name__, list(lay.compute_output_shape(shape)), lay.count_params()]
        for lay, shape in _layer_input_shapes(model, (None, 12, 12, 3))
    ]
    assert got == meta["layers"]
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == meta["trainable"]
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == meta["non_trainable"]
    np.testing.assert_allclose(
        model.predict(arrays["zoo__x"], verbose=0), arrays["zoo__y"], rtol=1e-4, atol=1e-5
    )


def _layer_input_shapes(model, shape):
    out = []
    for lay in model.layers:
        out.append((lay, shape))
        shape = lay.compute_output_shape(shape)
    return out


def _bars(n, rng):
    """8x8 images holding one horizontal (class 0) or vertical (class 1) bar, plus noise."""
    x = rng.normal(0, 0.1, (n, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 2, n)
    pos = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            x[i, :, pos[i], 0] += 1.0
        else:
            x[i, pos[i], :, 0] += 1.0
    return x, y


def test_small_cnn_learns_bar_orientation():
    rng = np.random.default_rng(0)
    x, y = _bars(256, rng)
    model = keras.models.Sequential(
        [
            layers.Input((8, 8, 1)),
            layers.Conv2D(4, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    first = model.evaluate(x, y, verbose=0)
    hist = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * first[0]
    xt, yt = _bars(128, rng)
    acc = model.evaluate(xt, yt, verbose=0)[1]
    assert acc > 0.9


def test_batchnorm_cnn_trains_and_moving_stats_move():
    rng = np.random.default_rng(1)
    x, y = _bars(128, rng)
    x = x * 5 + 3  # badly scaled inputs: batch norm should cope
    model = keras.models.Sequential(
        [
            layers.Input((8, 8, 1)),
            layers.Conv2D(4, 3, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.02),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    bn = model.layers[1]
    hist = model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert not np.allclose(bn.moving_mean.numpy(), 0)
    assert hist.history["accuracy"][-1] > 0.85
    assert len(model.non_trainable_weights) == 2


def test_cnn_weights_round_trip_through_h5(tmp_path):
    model = keras.models.Sequential(
        [
            layers.Input((6, 6, 2)),
            layers.SeparableConv2D(3, 3),
            layers.BatchNormalization(),
            layers.Conv2DTranspose(2, 2, strides=2),
            layers.GlobalAveragePooling2D(),
        ]
    )
    x = np.random.default_rng(2).standard_normal((3, 6, 6, 2)).astype("float32")
    model.layers[1].moving_mean.assign(np.array([0.5, -1.0, 2.0]))
    path = str(tmp_path / "w.h5")
    model.save_weights(path)
    clone = model_from_json(model.to_json())
    clone.load_weights(path)
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
