"""Keras-style errors for bad input; finite, warning-free float32 numerics end to end."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops


def _mlp(out=1, act="sigmoid"):
    return keras.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(out, activation=act)]
    )


# ----------------------------------------------------------------------------- errors


def test_fit_evaluate_train_on_batch_before_compile():
    x = np.ones((4, 3))
    for call in (
        lambda m: m.fit(x, x[:, :1], verbose=0),
        lambda m: m.evaluate(x, x[:, :1]),
        lambda m: m.train_on_batch(x, x[:, :1]),
        lambda m: m.test_on_batch(x, x),
    ):
        with pytest.raises(RuntimeError, match=r"must call `compile\(\)`"):
            call(_mlp())


def test_mismatched_x_y_lengths_name_both_sizes():
    m = _mlp()
    m.compile("sgd", "mse")
    with pytest.raises(
        ValueError,
        match=r"Data cardinality is ambiguous(.|\n)*'x' sizes: 10\n"
        r"'y' sizes: 9$",
    ):
        m.fit(np.ones((10, 3)), np.ones((9, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"'sample_weight' sizes: 9"):
        m.fit(np.ones((10, 3)), np.ones((10, 1)), sample_weight=np.ones(9), verbose=0)
    with pytest.raises(ValueError, match=r"'x' sizes: 5\n'y' sizes: 4"):
        m.evaluate(np.ones((5, 3)), np.ones((4, 1)), verbose=0)


@pytest.mark.parametrize("bad_shape", [(10, 4), (10, 2)])
def test_wrong_feature_size_names_layer_expected_and_received(bad_shape):
    m = _mlp()
    m.compile("sgd", "mse")
    pattern = (
        r'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of '
        rf"input shape to have value 3, but received input with shape "
        rf"\({bad_shape[0]}, {bad_shape[1]}\)"
    )
    with pytest.raises(ValueError, match=pattern):
        m.fit(np.ones(bad_shape), np.ones((10, 1)), verbose=0)
    with pytest.raises(ValueError, match=pattern):
        m.predict(np.ones(bad_shape), verbose=0)


def test_unknown_names_fail_at_compile_and_list_valid_ones():
    with pytest.raises(ValueError, match=r"'msee'.*Valid names include: .*'mse'"):
        _mlp().compile("sgd", "msee")
    with pytest.raises(ValueError, match=r"'sgdd'.*'sgd'"):
        _mlp().compile("sgdd", "mse")
    with pytest.raises(ValueError, match=r"'accurcy'.*'accuracy'"):
        _mlp().compile("sgd", "mse", metrics=["accurcy"])
    with pytest.raises(ValueError, match=r"'msee'"):
        _mlp().compile("sgd", ["msee"])


def test_bad_layer_arguments_echo_the_value():
    with pytest.raises(ValueError, match="Received: units=-1"):
        layers.Dense(-1)
    with pytest.raises(
        ValueError,
        match=r"Unrecognized keyword arguments passed to Dense: "
        r"\{'foo': 1\}",
    ):
        layers.Dense(3, foo=1)


def test_labels_out_of_range_for_sparse_crossentropy():
    m = _mlp(out=3, act="softmax")
    m.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"label value of 3 .* \[0, 3\)"):
        m.fit(np.ones((4, 3)), np.array([0, 1, 2, 3]), verbose=0)


def test_nan_in_training_data_is_reported():
    m = _mlp()
    m.compile("sgd", "mse")
    x = np.ones((4, 3))
    x[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"`x` contains 1 NaN"):
        m.fit(x, np.ones((4, 1)), verbose=0)


# ----------------------------------------------------------------------------- numerics


@pytest.mark.parametrize(
    "loss,act,out",
    [
        ("binary_crossentropy", "sigmoid", 1),
        ("categorical_crossentropy", "softmax", 3),
        ("sparse_categorical_crossentropy", "softmax", 3),
        ("mse", "linear", 1),
    ],
)
def test_huge_inputs_train_without_runtime_warnings_or_nan(loss, act, out):
    """Saturated sigmoid/softmax outputs (logits ~1e4) give finite losses and gradients."""
    r = np.random.default_rng(0)
    x = r.normal(size=(16, 3)) * 1e3
    labels = r.integers(0, out if out > 1 else 2, size=16)
    y = {"categorical_crossentropy": np.eye(3)[labels] if out == 3 else None}.get(loss, labels)
    m = keras.Sequential(
        [
            layers.Dense(
                out,
                activation=act,
                input_shape=(3,),
                kernel_initializer=keras.initializers.Constant(5.0),
            )
        ]
    )
    m.compile(keras.optimizers.SGD(1e-9 if loss == "mse" else 0.1), loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = m.fit(x, y, epochs=2, verbose=0)
        p = m.predict(x, verbose=0)
    assert np.all(np.isfinite(hist.history["loss"]))
    assert all(np.all(np.isfinite(w)) for w in m.get_weights())
    assert np.all(np.isfinite(p))


@pytest.mark.parametrize("from_logits", [True, False])
def test_extreme_logits_crossentropy_values_and_gradients_are_finite(from_logits):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 30.0]], dtype="float32")
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype="float32")
    v = keras.Variable(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with keras.GradientTape(persistent=True) as tape:
            p_cat = v if from_logits else ops.softmax(v)
            p_bin = v if from_logits else ops.sigmoid(v)
            cce = ops.categorical_crossentropy(t, p_cat, from_logits=from_logits)
            bce = ops.binary_crossentropy(t, p_bin, from_logits=from_logits)
        g_cce = tape.gradient(ops.sum(cce), v)
        g_bce = tape.gradient(ops.sum(bce), v)
    for arr in (cce, bce, g_cce, g_bce):
        assert np.all(np.isfinite(np.asarray(arr))) and np.asarray(arr).dtype == np.float32
    if from_logits:  # exact: wrong class by 2e4 logits costs 2e4 nats
        np.testing.assert_allclose(np.asarray(cce), [2e4, 2e4], rtol=1e-6)
    else:  # Keras clips probabilities to [1e-7, 1 - 1e-7]
        np.testing.assert_allclose(np.asarray(cce), [-np.log(1e-7)] * 2, rtol=1e-5)


def test_float32_end_to_end_from_float64_and_int_inputs():
    x64 = np.random.default_rng(0).normal(size=(8, 3))  # float64
    xi = np.arange(24).reshape(8, 3)  # int64
    y = np.array([0, 1] * 4)  # int64
    m = _mlp()
    m.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    for x in (x64, xi):
        m.fit(x, y, epochs=1, verbose=0)
        assert all(w.dtype == np.float32 for w in m.get_weights())
        assert m.predict(x, verbose=0).dtype == np.float32
        assert np.asarray(m(x)).dtype == np.float32
        with keras.GradientTape() as tape:
            loss = keras.losses.BinaryCrossentropy()(y, m(x))
        assert np.asarray(loss).dtype == np.float32
        assert all(g.dtype == np.float32 for g in tape.gradient(loss, m.trainable_weights))
    assert all(v.dtype == np.float32 for v in m.optimizer.variables if v.dtype.kind == "f")
    assert keras.backend.floatx() == "float32"


def test_set_floatx_float64_builds_float64_models():
    keras.backend.set_floatx("float64")
    try:
        m = _mlp()
        assert all(w.dtype == np.float64 for w in m.get_weights())
        assert m.predict(np.ones((2, 3), dtype="float32"), verbose=0).dtype == np.float64
    finally:
        keras.backend.set_floatx("float32")
    with pytest.raises(ValueError, match="Unknown `floatx` value: float8"):
        keras.backend.set_floatx("float8")


def test_xor_with_adam_reaches_accuracy_one():
    keras.utils.set_random_seed(7)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.array([[0], [1], [1], [0]], dtype="float32")
    m = keras.Sequential(
        [
            layers.Dense(10, input_dim=2),
            layers.Activation("tanh"),
            layers.Dense(1),
            layers.Activation("sigmoid"),
        ]
    )
    m.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    hist = m.fit(x, y, epochs=500, batch_size=4, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0
    assert hist.history["loss"][-1] < 0.05 < hist.history["loss"][0]
    np.testing.assert_array_equal((m.predict(x, verbose=0) > 0.5).astype(int), y)


@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"batch_size": 0}, "batch_size=0"),
        ({"batch_size": -4}, "batch_size=-4"),
        ({"batch_size": 2.5}, "batch_size=2.5"),
        ({"steps_per_epoch": 0}, "Received: 0"),
    ],
)
def test_bad_batch_size_and_steps(kwargs, pattern):
    m = _mlp()
    m.compile("sgd", "mse")
    with pytest.raises(ValueError, match=pattern):
        m.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0, **kwargs)
