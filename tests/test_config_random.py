"""keras.config, keras.random, keras.version(): Keras 3 names and behaviour."""

import importlib
import logging

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.testing import gradient_check

_policy_module = importlib.import_module("minikeras.dtype_policies.dtype_policy")


@pytest.fixture(autouse=True)
def _restore_config():
    yield
    keras.config.set_floatx("float32")
    keras.config.set_epsilon(1e-7)
    keras.config.set_image_data_format("channels_last")
    keras.config.set_max_epochs(None)
    keras.config.set_max_steps_per_epoch(None)
    _policy_module._global_policy = None
    keras.config.enable_interactive_logging()
    keras.config.enable_traceback_filtering()


def test_version_is_a_function_and_dunder_stays():
    assert callable(keras.version)
    assert keras.version() == keras.__version__ == "0.1.0"


def test_config_setters_round_trip():
    c = keras.config
    assert c.backend() == "numpy"
    c.set_floatx("float64")
    assert c.floatx() == "float64"
    assert layers.Dense(2).dtype == "float64"
    c.set_epsilon(1e-5)
    assert c.epsilon() == 1e-5
    c.set_image_data_format("channels_first")
    assert c.image_data_format() == "channels_first"
    with pytest.raises(ValueError, match="data_format"):
        c.set_image_data_format("nhwc")
    with pytest.raises(ValueError, match="max_epochs"):
        c.set_max_epochs(0)
    with pytest.raises(ValueError, match="numpy"):
        c.set_backend("jax")
    c.disable_traceback_filtering()
    assert not c.is_traceback_filtering_enabled()
    c.enable_unsafe_deserialization()
    assert c.is_unsafe_deserialization_enabled()
    c.enable_flash_attention()
    assert c.is_flash_attention_enabled() is True


def test_dtype_policy_float64_makes_float64_layers_and_outputs():
    keras.config.set_dtype_policy("float64")
    assert keras.config.dtype_policy().name == "float64"
    layer = layers.Dense(3)
    out = layer(np.ones((2, 4), dtype="float32"))
    assert layer.kernel.dtype == np.float64
    assert np.asarray(out).dtype == np.float64
    keras.config.set_dtype_policy("float32")
    assert layers.Dense(3).dtype == "float32"


def test_mixed_policy_accepted_with_a_note():
    with pytest.warns(UserWarning, match="computes in float32"):
        keras.config.set_dtype_policy("mixed_float16")
    policy = keras.config.dtype_policy()
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (
        "mixed_float16",
        "float32",
        "float32",
    )
    assert layers.Dense(2).dtype == "float32"
    with pytest.raises(ValueError, match="DTypePolicy"):
        keras.config.set_dtype_policy("no_such_policy")


def _tiny_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_fit_honours_max_epochs_and_steps():
    x, y = np.ones((40, 3), "float32"), np.ones((40, 1), "float32")
    seen = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    hist = _tiny_model().fit(x, y, batch_size=4, epochs=10, verbose=0, callbacks=[cb])
    assert len(hist.history["loss"]) == 2
    assert seen == [0, 1, 2, 0, 1, 2]
    keras.config.set_max_epochs(None)
    keras.config.set_max_steps_per_epoch(None)
    seen.clear()
    hist = _tiny_model().fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[cb])
    assert len(hist.history["loss"]) == 3 and len(seen) == 30


def test_interactive_logging_off_sends_progress_to_logging(capsys, caplog):
    keras.config.disable_interactive_logging()
    assert not keras.config.is_interactive_logging_enabled()
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    with caplog.at_level(logging.INFO, logger="minikeras"):
        _tiny_model().fit(x, y, epochs=1, verbose=1)
    assert capsys.readouterr().out == ""
    assert any("Epoch 1/1" in r.getMessage() for r in caplog.records)
    assert any("loss" in r.getMessage() for r in caplog.records)


# ----------------------------------------------------------------------------- keras.random


def test_integer_seed_is_stateless_and_generator_is_stateful():
    r = keras.random
    a, b = r.normal((3, 4), seed=7), r.normal((3, 4), seed=7)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32
    gen = r.SeedGenerator(42)
    c, d = r.uniform((5,), seed=gen), r.uniform((5,), seed=gen)
    assert not np.array_equal(c, d)
    np.testing.assert_array_equal(gen.state.value, [42, 2])
    gen2 = r.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(r.uniform((5,), seed=gen2), c)


def test_global_seed_reproducible_after_set_random_seed():
    keras.utils.set_random_seed(3)
    a = keras.random.normal((4,))
    g = keras.random.SeedGenerator()
    b = keras.random.randint((4,), 0, 10, seed=g)
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(keras.random.normal((4,)), a)
    np.testing.assert_array_equal(
        keras.random.randint((4,), 0, 10, seed=keras.random.SeedGenerator()), b
    )


def test_distribution_statistics():
    r = keras.random
    n = 200_000
    x = r.normal((n,), mean=2.0, stddev=3.0, seed=1, dtype="float64")
    assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 3.0) < 0.05
    u = r.uniform((n,), -1.0, 3.0, seed=2)
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.02
    t = r.truncated_normal((n,), stddev=2.0, seed=3)
    assert np.abs(t).max() <= 4.0 and 1.5 < t.std() < 1.8  # sd of N(0,1) cut at 2: 0.88
    i = r.randint((n,), 3, 7, seed=4)
    assert i.dtype == np.int32 and set(np.unique(i)) == {3, 4, 5, 6}
    gm = r.gamma((n,), alpha=3.0, seed=5)
    assert abs(gm.mean() - 3.0) < 0.05
    bt = r.beta((n,), 2.0, 6.0, seed=6)
    assert abs(bt.mean() - 0.25) < 0.01
    bn = r.binomial((n,), 10, 0.3, seed=7)
    assert abs(bn.mean() - 3.0) < 0.03 and bn.dtype == np.float32


def test_categorical_follows_logits():
    logits = np.log(np.array([[0.7, 0.2, 0.1], [0.0 + 1e-9, 0.0 + 1e-9, 1.0]]))
    s = keras.random.categorical(logits, 50_000, seed=0)
    assert s.shape == (2, 50_000) and s.dtype == np.int32
    freq = np.bincount(s[0], minlength=3) / 50_000
    np.testing.assert_allclose(freq, [0.7, 0.2, 0.1], atol=0.01)
    assert (s[1] == 2).all()
    with pytest.raises(ValueError, match="2-D"):
        keras.random.categorical(np.zeros(3), 2)


def test_dropout_and_shuffle():
    x = np.ones((1000, 10), dtype="float32")
    y = keras.random.dropout(x, 0.25, seed=1)
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    cols = keras.random.dropout(x, 0.5, noise_shape=(1, 10), seed=2)
    assert all(len(set(cols[:, j])) == 1 for j in range(10))
    v = np.arange(10)
    s = keras.random.shuffle(v, seed=3)
    assert sorted(s) == list(range(10)) and not np.array_equal(s, v)
    m = np.arange(12.0).reshape(3, 4)
    sh = keras.random.shuffle(m, axis=1, seed=4)
    assert sorted(sh[0]) == [0, 1, 2, 3] and (sh[1] - sh[0] == 4).all()


def test_dropout_and_shuffle_gradients():
    x = np.random.default_rng(0).normal(size=(4, 5))
    assert gradient_check(lambda t: keras.random.dropout(t, 0.3, seed=9), [x]) < 1e-6
    assert gradient_check(lambda t: keras.random.shuffle(t, axis=1, seed=9), [x]) < 1e-6


def test_seed_generator_inside_a_layer_during_fit():
    class NoisyDense(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(1)
            self.seed_generator = keras.random.SeedGenerator(5)

        def call(self, x, training=False):
            if training:
                x = keras.random.dropout(x, 0.5, seed=self.seed_generator)
            return self.dense(x)

    model = keras.Sequential([keras.Input((3,)), NoisyDense()])
    model.compile("sgd", "mse")
    model.fit(
        np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=2, batch_size=4, verbose=0
    )
    assert model.layers[0].seed_generator.state.value[1] == 4


def test_bad_seed_message():
    with pytest.raises(ValueError, match="SeedGenerator"):
        keras.random.normal((2,), seed="x")
    with pytest.raises(ValueError, match="integer"):
        keras.random.SeedGenerator(seed=1.5)
