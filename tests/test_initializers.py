"""Initializers: distribution statistics, seeds, names (Keras 3 and Keras 1/2), configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minikeras
from minikeras import initializers, layers

SHAPE = (400, 300)  # fan_in 400, fan_out 300: 120k samples make the statistics tight


def test_glorot_uniform_limits_and_spread():
    v = initializers.GlorotUniform()(SHAPE)
    limit = math.sqrt(6 / (400 + 300))
    assert v.dtype == np.float32
    assert np.abs(v).max() <= limit
    assert np.abs(v).max() > 0.999 * limit
    assert abs(v.std() - limit / math.sqrt(3)) < 0.01 * limit
    assert abs(v.mean()) < 0.01 * limit


@pytest.mark.parametrize(
    "name,scale,fan",
    [
        ("he_normal", 2.0, 400),
        ("lecun_normal", 1.0, 400),
        ("glorot_normal", 1.0, 350),
    ],
)
def test_truncated_normal_presets_have_the_target_std(name, scale, fan):
    v = initializers.get(name)(SHAPE).astype(np.float64)
    target = math.sqrt(scale / fan)  # the truncation correction 0.8796... restores it
    assert abs(v.std() - target) < 0.01 * target
    cut = 2 * target / 0.87962566103423978  # truncated at 2 stddev of the underlying normal
    assert np.abs(v).max() <= cut
    assert np.abs(v).max() > 0.99 * cut


@pytest.mark.parametrize(
    "name,scale,fan",
    [
        ("he_uniform", 2.0, 400),
        ("lecun_uniform", 1.0, 400),
    ],
)
def test_uniform_presets_limits(name, scale, fan):
    v = initializers.get(name)(SHAPE)
    limit = math.sqrt(3 * scale / fan)
    assert limit * 0.999 < np.abs(v).max() <= limit


def test_variance_scaling_modes_and_conv_fans():
    v = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="untruncated_normal")(
        (3, 3, 16, 64)
    )
    fan_out = 3 * 3 * 64
    assert abs(v.std() - math.sqrt(2.0 / fan_out)) < 0.03 * math.sqrt(2.0 / fan_out)
    assert initializers.compute_fans((3, 3, 16, 64)) == (144, 576)
    assert initializers.compute_fans((7,)) == (7.0, 7.0)
    with pytest.raises(ValueError, match="Received: mode=fan_x"):
        initializers.VarianceScaling(mode="fan_x")
    with pytest.raises(ValueError, match="Received: scale=-1"):
        initializers.VarianceScaling(scale=-1)


def test_random_normal_uniform_truncated_defaults():
    n = initializers.RandomNormal()(SHAPE)
    assert abs(n.std() - 0.05) < 0.001 and abs(n.mean()) < 0.001
    u = initializers.RandomUniform(minval=-0.2, maxval=0.1)(SHAPE)
    assert u.min() >= -0.2 and u.max() < 0.1 and abs(u.mean() + 0.05) < 0.002
    t = initializers.TruncatedNormal(mean=1.0, stddev=0.5)(SHAPE)
    assert t.min() >= 0.0 and t.max() <= 2.0 and abs(t.mean() - 1.0) < 0.005


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 6)])
def test_orthogonal_is_orthogonal(shape):
    q = initializers.Orthogonal(gain=2.0)(shape).astype(np.float64).reshape(-1, shape[-1])
    rows, cols = q.shape
    gram = q.T @ q if rows >= cols else q @ q.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


def test_seeded_initializer_repeats_like_keras_3_and_unseeded_does_not():
    init = initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(init((3, 2)), init((3, 2)))
    np.testing.assert_array_equal(init((3, 2)), initializers.GlorotUniform(seed=3)((3, 2)))
    assert not np.array_equal(init((3, 2)), initializers.GlorotUniform(seed=4)((3, 2)))
    free = initializers.GlorotUniform()
    assert not np.array_equal(free((3, 2)), free((3, 2)))


def test_set_random_seed_makes_models_reproducible():
    def weights():
        minikeras.utils.set_random_seed(42)
        m = minikeras.Sequential([layers.Dense(4, input_dim=3), layers.Dense(2)])
        return m.get_weights()

    a, b = weights(), weights()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    minikeras.utils.set_random_seed(43)
    c = minikeras.Sequential([layers.Dense(4, input_dim=3)]).get_weights()
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    "name,cls",
    [
        ("normal", "RandomNormal"),
        ("uniform", "RandomUniform"),
        ("zero", "Zeros"),
        ("one", "Ones"),
        ("identity", "Identity"),
        ("glorot_uniform", "GlorotUniform"),
        ("he_normal", "HeNormal"),
        ("truncated_normal", "TruncatedNormal"),
        ("orthogonal", "Orthogonal"),
        ("lecun_uniform", "LecunUniform"),
        ("GlorotUniform", "GlorotUniform"),
        ("variance_scaling", "VarianceScaling"),
    ],
)
def test_names_keras_1_2_and_3(name, cls):
    assert type(initializers.get(name)).__name__ == cls


def test_dense_legacy_init_argument_warns_and_applies():
    with pytest.warns(DeprecationWarning, match="init"):
        layer = layers.Dense(3, init="zero", input_dim=2)
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.zeros((2, 3)))


def test_constant_identity_zeros_ones():
    np.testing.assert_array_equal(initializers.Constant(0.5)((2, 2)), np.full((2, 2), 0.5))
    np.testing.assert_array_equal(initializers.Identity(gain=3)((2, 3)), 3 * np.eye(2, 3))
    assert initializers.get("zeros")((2,)).dtype == np.float32
    assert initializers.Ones()((2,), dtype="float64").dtype == np.float64


@pytest.mark.parametrize(
    "init",
    [
        initializers.GlorotUniform(seed=1),
        initializers.HeNormal(seed=2),
        initializers.VarianceScaling(scale=0.5, mode="fan_out", distribution="uniform", seed=5),
        initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3),
        initializers.Constant(0.25),
        initializers.Orthogonal(gain=0.5, seed=9),
        initializers.TruncatedNormal(seed=7),
    ],
)
def test_config_round_trip_reproduces_values(init):
    clone = initializers.deserialize(initializers.serialize(init))
    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()
    np.testing.assert_array_equal(clone((4, 3)), init((4, 3)))


def test_unknown_initializer_name():
    with pytest.raises(ValueError, match=r"'glorot_unifrom'.*Valid names"):
        initializers.get("glorot_unifrom")
