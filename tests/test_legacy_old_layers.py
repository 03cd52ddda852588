"""Layers Keras 3 dropped, in the files that hold them: Keras 1 `Highway`, `MaxoutDense`,
`TimeDistributedDense`, and Keras 1/2 `LocallyConnected1D`/`LocallyConnected2D`.

LocallyConnected parity: `tests/fixtures/locally_connected/` holds tf_keras 2.21 `.h5`
files and their predictions (`make_locally_connected.py`), for the three weight
layouts (`implementation` 1, 2, 3), both data formats and both paddings. Keras 1
files are written by `legacy_writer` (h5py, Keras 1 names and layouts); their expected
outputs are the Keras 1 formulas evaluated in float64 with loops over the arrays
written, independently of the loaded model.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest
from legacy_writer import write_model, write_weights

import minikeras
from minikeras.legacy.layers import Highway, LocallyConnected1D, LocallyConnected2D, MaxoutDense
from minikeras.testing.gradient_check import layer_gradient_check

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "locally_connected"
CASES = sorted(p.stem for p in FIXTURES.glob("*.h5"))
RNG = np.random.default_rng(18)


def _arr(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _load_strict(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return minikeras.models.load_model(path, compile=False, **kwargs)


def _keras1_entry(class_name, name, **cfg):
    base = {
        "name": name,
        "trainable": True,
        "init": "glorot_uniform",
        "activity_regularizer": None,
        "W_regularizer": None,
        "b_regularizer": None,
        "W_constraint": None,
        "b_constraint": None,
        "bias": True,
    }
    return {"class_name": class_name, "config": {**base, **cfg}}


def _keras1_sequential(*layers):
    return {"class_name": "Sequential", "keras_version": "1.2.2", "config": list(layers)}


# ----------------------------------------------------------------------- LocallyConnected


def test_fixture_covers_every_layout():
    assert len(CASES) == 10
    for impl in (1, 2, 3):
        for rank in ("1d", "2d"):
            assert any(c.startswith(f"lc{rank}_impl{impl}") for c in CASES), (rank, impl)
    assert any("first" in c for c in CASES) and any("same" in c for c in CASES)


@pytest.mark.parametrize("case", CASES)
def test_locally_connected_matches_tf_keras(case):
    expected = np.load(FIXTURES / "expected.npz")
    model = _load_strict(FIXTURES / f"{case}.h5")
    layer = model.layers[-1]
    assert type(layer).__name__.startswith("LocallyConnected")
    got = model.predict(expected[f"{case}/x"], verbose=0)
    np.testing.assert_allclose(got, expected[f"{case}/y"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("case", ["lc2d_impl3_first_same", "lc1d_impl2_same", "lc2d_impl1_last"])
def test_locally_connected_round_trip(tmp_path, case, suffix):
    expected = np.load(FIXTURES / "expected.npz")
    model = _load_strict(FIXTURES / f"{case}.h5")
    model.save(tmp_path / f"m{suffix}")
    again = _load_strict(tmp_path / f"m{suffix}")
    np.testing.assert_allclose(
        again.predict(expected[f"{case}/x"], verbose=0),
        expected[f"{case}/y"],
        rtol=1e-5,
        atol=1e-5,
    )
    clone = minikeras.models.model_from_json(model.to_json())
    cfg = {k: v for k, v in clone.layers[-1].get_config().items() if k != "batch_input_shape"}
    assert cfg == model.layers[-1].get_config()


@pytest.mark.parametrize(
    "cls, shape, kwargs",
    [
        (
            LocallyConnected1D,
            (5, 2),
            dict(filters=2, kernel_size=2, padding="same", implementation=2),
        ),
        (LocallyConnected1D, (2, 6), dict(filters=2, kernel_size=3, data_format="channels_first")),
        (LocallyConnected2D, (4, 3, 2), dict(filters=2, kernel_size=2, strides=(2, 1))),
        (
            LocallyConnected2D,
            (2, 3, 4),
            dict(
                filters=2,
                kernel_size=(2, 3),
                padding="same",
                data_format="channels_first",
                implementation=3,
                activation="tanh",
            ),
        ),
    ],
)
def test_locally_connected_gradients(cls, shape, kwargs):
    layer = cls(dtype="float64", bias_initializer="random_normal", **kwargs)
    layer.build((2, *shape))
    layer_gradient_check(layer, RNG.normal(size=(2, *shape)))


def test_locally_connected_bad_arguments():
    with pytest.raises(ValueError, match="only 'valid' is supported with implementation=1"):
        LocallyConnected2D(2, 3, padding="same")
    with pytest.raises(ValueError, match="implementation"):
        LocallyConnected1D(2, 3, implementation=4)
    layer = LocallyConnected2D(2, 5)
    with pytest.raises(ValueError, match="<= 0"):
        layer.build((None, 3, 3, 1))
    with pytest.raises(ValueError, match="fully defined"):
        LocallyConnected1D(2, 2).build((None, None, 3))


def _keras1_lc1d(x, w, b, k, stride):
    n, length, channels = x.shape
    out_len, _, filters = w.shape
    y = np.zeros((n, out_len, filters))
    for i in range(out_len):
        for kk in range(k):
            for c in range(channels):
                y[:, i, :] += np.outer(x[:, i * stride + kk, c], w[i, kk * channels + c, :])
    return y + b


def _keras1_lc2d_th(x, w, b, kr, kc):
    n, channels, _, _ = x.shape
    out_r, out_c, filters = b.shape
    y = np.zeros((n, filters, out_r, out_c))
    for i in range(out_r):
        for j in range(out_c):
            for c in range(channels):
                for r in range(kr):
                    for q in range(kc):
                        feature = (c * kr + r) * kc + q
                        y[:, :, i, j] += np.outer(x[:, c, i + r, j + q], w[i * out_c + j, feature])
    return y + b.reshape(filters, out_r, out_c)  # Keras 1 reshaped the bias, not transposed


def test_keras1_locally_connected_files(tmp_path):
    w1, b1 = _arr(3, 8, 3), _arr(3, 3)  # LocallyConnected1D(3, 2, subsample_length=2) on (7, 4)
    lc1 = _keras1_entry(
        "LocallyConnected1D",
        "locallyconnected1d_1",
        nb_filter=3,
        filter_length=2,
        border_mode="valid",
        subsample_length=2,
        activation="linear",
        input_dim=4,
        input_length=7,
    )
    write_model(
        tmp_path / "lc1.h5",
        _keras1_sequential(lc1),
        [
            (
                "locallyconnected1d_1",
                [("locallyconnected1d_1_W", w1), ("locallyconnected1d_1_b", b1)],
            )
        ],
        attrs={"keras_version": "1.2.2", "backend": "tensorflow"},
    )
    x = _arr(2, 7, 4)
    got = _load_strict(tmp_path / "lc1.h5").predict(x, verbose=0)
    want = _keras1_lc1d(x.astype(np.float64), w1, b1, 2, 2)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    w2, b2 = _arr(12, 18, 2), _arr(3, 4, 2)  # LocallyConnected2D(2, 2, 3) 'th' on (3, 4, 6)
    lc2 = _keras1_entry(
        "LocallyConnected2D",
        "locallyconnected2d_1",
        nb_filter=2,
        nb_row=2,
        nb_col=3,
        border_mode="valid",
        subsample=[1, 1],
        dim_ordering="th",
        activation="linear",
        batch_input_shape=[None, 3, 4, 6],
        input_dtype="float32",
    )
    write_model(
        tmp_path / "lc2.h5",
        _keras1_sequential(lc2),
        [
            (
                "locallyconnected2d_1",
                [("locallyconnected2d_1_W", w2), ("locallyconnected2d_1_b", b2)],
            )
        ],
        attrs={"keras_version": "1.2.2", "backend": "theano"},
    )
    x = _arr(2, 3, 4, 6)
    got = _load_strict(tmp_path / "lc2.h5").predict(x, verbose=0)
    want = _keras1_lc2d_th(x.astype(np.float64), w2, b2, 2, 3)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------- Keras 1 only


def _highway_entry():
    return _keras1_entry(
        "Highway",
        "highway_1",
        transform_bias=-2,
        activation="relu",
        input_dim=4,
        batch_input_shape=[None, 4],
        input_dtype="float32",
    )


def _highway_expected(x, w, wc, b, bc):
    x = x.astype(np.float64)
    t = _sigmoid(x @ wc + bc)
    return t * np.maximum(x @ w + b, 0.0) + (1.0 - t) * x


@pytest.mark.parametrize("order", ["keras_1.2", "keras_1.0"])
def test_keras1_highway_file(tmp_path, order):
    w, wc, b, bc = _arr(4, 4), _arr(4, 4), _arr(4), _arr(4)
    named = {
        "highway_1_W": w,
        "highway_1_W_carry": wc,
        "highway_1_b": b,
        "highway_1_b_carry": bc,
    }
    # Keras 1.2 created W, W_carry, b, b_carry with add_weight; 1.0/1.1 listed W, b, W_carry, b_carry.
    names = (
        ["W", "W_carry", "b", "b_carry"]
        if order == "keras_1.2"
        else ["W", "b", "W_carry", "b_carry"]
    )
    weights = [(f"highway_1_{n}", named[f"highway_1_{n}"]) for n in names]
    write_model(
        tmp_path / "hw.h5",
        _keras1_sequential(_highway_entry()),
        [("highway_1", weights)],
        attrs={"keras_version": "1.2.2" if order == "keras_1.2" else "1.0.6"},
    )
    x = _arr(3, 4)
    got = _load_strict(tmp_path / "hw.h5").predict(x, verbose=0)
    np.testing.assert_allclose(got, _highway_expected(x, w, wc, b, bc), rtol=1e-5, atol=1e-5)


def test_keras1_maxout_dense_json_and_weights(tmp_path):
    w, b = _arr(3, 5, 2), _arr(3, 2)
    entry = _keras1_entry(
        "MaxoutDense",
        "maxoutdense_1",
        output_dim=2,
        nb_feature=3,
        input_dim=5,
        batch_input_shape=[None, 5],
    )
    second = _keras1_entry("Dense", "dense_1", output_dim=1, activation="sigmoid", input_dim=2)
    text = json.dumps(_keras1_sequential(entry, second))
    w2, b2 = _arr(2, 1), _arr(1)
    write_weights(
        tmp_path / "w.h5",
        [
            ("maxoutdense_1", [("maxoutdense_1_W", w), ("maxoutdense_1_b", b)]),
            ("dense_1", [("dense_1_W", w2), ("dense_1_b", b2)]),
        ],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = minikeras.models.model_from_json(text)
        model.load_weights(tmp_path / "w.h5")
    x = _arr(4, 5).astype(np.float64)
    hidden = np.max(np.stack([x @ w[k] + b[k] for k in range(3)]), axis=0)
    want = _sigmoid(hidden @ w2 + b2)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)


def test_keras1_time_distributed_dense_file(tmp_path):
    w, b = _arr(4, 3), _arr(3)
    entry = _keras1_entry(
        "TimeDistributedDense",
        "timedistributeddense_1",
        output_dim=3,
        activation="tanh",
        input_dim=4,
        input_length=5,
    )
    write_model(
        tmp_path / "tdd.h5",
        _keras1_sequential(entry),
        [
            (
                "timedistributeddense_1",
                [("timedistributeddense_1_W", w), ("timedistributeddense_1_b", b)],
            )
        ],
        attrs={"keras_version": "1.1.0"},
    )
    model = _load_strict(tmp_path / "tdd.h5")
    x = _arr(2, 5, 4).astype(np.float64)
    want = np.stack([[np.tanh(x[n, t] @ w + b) for t in range(5)] for n in range(2)])
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)
    assert model.layers[0].name == "timedistributeddense_1"
    assert model.output_shape == (None, 5, 3)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (lambda: Highway(activation="tanh", dtype="float64"), (3, 4)),
        (
            lambda: MaxoutDense(2, nb_feature=3, dtype="float64", bias_initializer="random_normal"),
            (3, 4),
        ),
    ],
)
def test_keras1_layer_gradients(layer, shape):
    layer = layer()
    layer.build(shape)
    layer_gradient_check(layer, RNG.normal(size=shape))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_keras1_layers_round_trip(tmp_path, suffix):
    model = minikeras.Sequential(
        [
            minikeras.Input((4,)),
            Highway(activation="relu"),
            MaxoutDense(3, nb_feature=2),
        ]
    )
    x = _arr(5, 4)
    want = model.predict(x, verbose=0)
    model.save(tmp_path / f"m{suffix}")
    again = _load_strict(tmp_path / f"m{suffix}")
    np.testing.assert_allclose(again.predict(x, verbose=0), want, rtol=1e-6, atol=1e-6)
    assert [type(la).__name__ for la in again.layers] == ["Highway", "MaxoutDense"]


def test_highway_initial_carry_bias_is_transform_bias():
    layer = Highway(transform_bias=-3.0)
    layer.build((None, 3))
    np.testing.assert_array_equal(np.asarray(layer.carry_bias.value), [-3.0, -3.0, -3.0])
    assert [w.name for w in layer.weights] == ["W", "W_carry", "b", "b_carry"]


def test_locally_connected_trains_from_the_keras2_namespace():
    assert minikeras.layers.LocallyConnected2D is LocallyConnected2D
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 6, 6, 1)).astype(np.float32)
    y = x[:, 1:5, 1:5, :].sum(axis=(1, 2, 3))[:, None] * 0.1
    minikeras.utils.set_random_seed(3)
    model = minikeras.Sequential(
        [
            minikeras.Input((6, 6, 1)),
            minikeras.layers.LocallyConnected2D(2, 3, implementation=2, padding="same"),
            minikeras.layers.Flatten(),
            minikeras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=minikeras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0], losses
