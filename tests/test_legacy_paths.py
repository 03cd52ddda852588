"""Keras 1/2 import paths, advanced activation layers, `Sequence` batches and `plot_model`."""

from __future__ import annotations

import importlib
import math
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential
from minikeras.saving.serialization import deserialize_keras_object, serialize_keras_object
from minikeras.testing.gradient_check import gradient_check


@pytest.mark.parametrize(
    "module,name",
    [
        ("minikeras.layers.core", "Dense"),
        ("minikeras.layers.core", "Dropout"),
        ("minikeras.layers.core", "Flatten"),
        ("minikeras.utils.np_utils", "to_categorical"),
        ("minikeras.utils.vis_utils", "plot_model"),
        ("minikeras.engine.topology", "Layer"),
        ("minikeras.engine.training", "Model"),
        ("minikeras.engine", "Input"),
        ("minikeras.preprocessing.sequence", "pad_sequences"),
        ("minikeras.preprocessing.text", "Tokenizer"),
    ],
)
def test_legacy_module_exports(module, name):
    assert getattr(importlib.import_module(module), name) is not None


@pytest.mark.parametrize(
    "module",
    ["recurrent", "embeddings", "merge", "advanced_activations", "wrappers", "noise", "local"],
)
def test_legacy_layer_modules_forward_lazily(module, monkeypatch):
    # The forwarding module itself (a real package of the same name may shadow the short path).
    mod = importlib.import_module(f"minikeras.layers._legacy_paths.{module}")
    name = mod.NAMES[0]

    class Stand(minikeras.layers.Layer):
        pass

    monkeypatch.setattr(layers, name, Stand, raising=False)
    assert getattr(mod, name) is Stand  # a layer added to minikeras.layers later is found
    assert name in dir(mod)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchLayer'"):
        mod.NoSuchLayer  # noqa: B018


@pytest.mark.parametrize(
    "module,name",
    [
        ("convolutional", "Conv2D"),
        ("convolutional", "MaxPooling2D"),
        ("pooling", "MaxPooling2D"),
        ("normalization", "BatchNormalization"),
        ("recurrent", "LSTM"),
        ("embeddings", "Embedding"),
        ("merge", "concatenate"),
        ("advanced_activations", "LeakyReLU"),
        ("wrappers", "Bidirectional"),
        ("noise", "GaussianNoise"),
        ("local", "LocallyConnected2D"),
    ],
)
def test_keras2_layer_paths_resolve(module, name):
    mod = importlib.import_module(f"minikeras.layers.{module}")
    assert getattr(mod, name) is getattr(layers, name)


# Values printed by Keras 3.15.1 for the same inputs.
def test_advanced_activations_match_keras():
    assert [layers.LeakyReLU().name, layers.ReLU().name, layers.PReLU().name] == [
        "leaky_re_lu",
        "re_lu",
        "p_re_lu",
    ]
    np.testing.assert_allclose(layers.LeakyReLU()(np.array([-1.0, 2.0])), [-0.3, 2.0])
    relu = layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5)
    np.testing.assert_allclose(relu(np.array([-1.0, 0.2, 1.0, 3.0])), [-0.15, -0.03, 1.0, 1.5])
    np.testing.assert_allclose(
        layers.ELU(alpha=0.5)(np.array([-1.0, 2.0])), [0.5 * (math.exp(-1) - 1), 2.0]
    )
    np.testing.assert_allclose(layers.Softmax()(np.array([[0.0, math.log(3.0)]])), [[0.25, 0.75]])
    masked = layers.Softmax()(np.array([[1.0, 2.0, 3.0]]), mask=np.array([[1, 1, 0]]))
    np.testing.assert_allclose(masked, [[1 / (1 + math.e), math.e / (1 + math.e), 0.0]], atol=1e-7)


def test_leaky_relu_alpha_is_deprecated_and_bad_values_raise():
    with pytest.warns(DeprecationWarning, match="alpha"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.LeakyReLU(negative_slope=0.2),
        lambda: layers.ReLU(max_value=4.0, negative_slope=0.1),
        lambda: layers.ELU(alpha=0.3),
        lambda: layers.Softmax(axis=1),
        lambda: layers.PReLU(shared_axes=[1]),
    ],
)
def test_activation_layers_config_round_trip(make):
    layer = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        clone = deserialize_keras_object(serialize_keras_object(layer))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_prelu_weights_and_gradient():
    layer = layers.PReLU(alpha_initializer="ones", shared_axes=[1])
    layer.build((None, 3, 2))
    assert layer.alpha.shape == (1, 2) and layer.count_params() == 2
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (2, 3, 2))

    def f(inp, alpha):
        return minikeras.ops.add(
            minikeras.ops.relu(inp), minikeras.ops.multiply(alpha, minikeras.ops.minimum(inp, 0.0))
        )

    gradient_check(f, [x, rng.uniform(0, 1, (1, 2))])
    layer.alpha.assign(np.array([[0.5, 2.0]]))
    np.testing.assert_allclose(layer(np.array([[[-1.0, -1.0]]])), [[[-0.5, -2.0]]])


class _Batches(minikeras.utils.Sequence):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_sequence_trains_with_fit_and_fit_generator():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2)).astype("float32")
    y = (x[:, :1] - x[:, 1:] > 0).astype("float32")
    data = _Batches(x, y, 8)
    model = Sequential([Input(shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    hist = model.fit(data, epochs=6, verbose=0)
    assert data.epochs_ended == 6
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    with pytest.warns(DeprecationWarning):
        model.fit_generator(data, epochs=1, verbose=0)
    assert model.predict(data, verbose=0).shape == (40, 1)
    assert isinstance(data, minikeras.utils.PyDataset)


def test_plot_model_writes_dot_and_explains_missing_graphviz(tmp_path, monkeypatch):
    a = Input(shape=(3,), name="a")
    b = Input(shape=(2,), name="b")
    h = Dense(4, name="ha")(a)
    out = Dense(1, name="out")(h)
    model = Model([a, b], out)
    dot = tmp_path / "model.dot"
    minikeras.utils.plot_model(model, to_file=str(dot), show_shapes=True)
    text = dot.read_text()
    assert text.startswith("digraph") and "ha (Dense)" in text and "(None, 4)" in text
    assert text.count("->") == 2
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ImportError, match="Graphviz"):
        minikeras.utils.plot_model(model, to_file=str(tmp_path / "model.png"))
