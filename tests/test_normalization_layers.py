"""Normalization and preprocessing layers: gradients, training vs inference,
moving statistics, adapt, Keras 1/2 arguments and config round trips."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import layers
from minikeras.testing import layer_gradient_check

RNG = np.random.default_rng(3)


def _float64(layer, shape):
    layer.dtype = "float64"
    layer.build(shape)
    for w in layer.weights:
        w.value = w.value.astype("float64")
        if w.trainable:
            w.value[...] = RNG.standard_normal(w.shape)
    return layer


@pytest.mark.parametrize(
    "make,shape,training",
    [
        (lambda: layers.BatchNormalization(), (6, 4), True),
        (lambda: layers.BatchNormalization(axis=1), (3, 2, 2, 3), True),
        (lambda: layers.BatchNormalization(center=False), (5, 3, 2), True),
        (lambda: layers.BatchNormalization(), (6, 4), False),
        (lambda: layers.LayerNormalization(), (3, 5), False),
        (lambda: layers.LayerNormalization(axis=[1, 2], scale=False), (2, 3, 4), False),
        (lambda: layers.GroupNormalization(groups=2), (2, 3, 4), False),
        (lambda: layers.GroupNormalization(groups=-1, axis=1), (2, 3, 2, 2), False),
        (lambda: layers.UnitNormalization(axis=[1, 2]), (2, 3, 2), False),
        (lambda: layers.Rescaling(0.5, offset=1.0), (2, 3), False),
        (lambda: layers.Resizing(5, 3), (1, 3, 4, 2), False),
    ],
)
def test_normalization_gradients(make, shape, training):
    layer = _float64(make(), shape)
    layer_gradient_check(layer, RNG.standard_normal(shape), training=training)


def test_batchnorm_training_uses_batch_stats_and_updates_moving_stats():
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    x = RNG.standard_normal((32, 3)).astype("float32") * [1.0, 2.0, 3.0] + [5.0, -1.0, 0.0]
    y = np.asarray(bn(x, training=True))
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(0), x.var(0) / (x.var(0) + 1e-3), rtol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * x.var(0), rtol=1e-5)
    y_inf = np.asarray(bn(x, training=False))
    expected = (x - bn.moving_mean.numpy()) / np.sqrt(bn.moving_variance.numpy() + 1e-3)
    np.testing.assert_allclose(y_inf, expected, rtol=1e-5, atol=1e-6)


def test_frozen_batchnorm_runs_in_inference_mode():
    bn = layers.BatchNormalization()
    x = RNG.standard_normal((8, 2)).astype("float32") + 3
    bn.build(x.shape)
    bn.trainable = False
    before = bn.moving_mean.numpy()
    np.testing.assert_allclose(bn(x, training=True), x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)


def test_batchnorm_weights_order_and_trainability():
    bn = layers.BatchNormalization()
    bn.build((None, 5))
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert bn.count_params() == 20


def test_batchnorm_legacy_arguments():
    bn = layers.BatchNormalization.from_config(
        {
            "name": "bn",
            "axis": [1],
            "momentum": 0.99,
            "epsilon": 0.001,
            "center": True,
            "scale": True,
            "fused": None,
            "trainable": True,
            "dtype": "float32",
        }
    )
    assert bn.axis == 1
    with pytest.warns(DeprecationWarning):
        bn = layers.BatchNormalization(mode=0, beta_init="zeros", gamma_init="ones")
    with pytest.raises(ValueError, match="mode=2"):
        layers.BatchNormalization(mode=2)
    with pytest.raises(ValueError, match="single feature axis"):
        layers.BatchNormalization(axis=[1, 2])


def test_batchnorm_wrong_channel_count():
    bn = layers.BatchNormalization()
    bn(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        bn(np.zeros((2, 4), "float32"))


def test_normalization_adapt_invert_and_axis_none():
    data = RNG.standard_normal((50, 2)) * [2.0, 0.5] + [1.0, -3.0]
    norm = layers.Normalization()
    norm.adapt(data)
    out = np.asarray(norm(data))
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1, atol=1e-4)
    inv = layers.Normalization(mean=norm.mean.numpy(), variance=norm.variance.numpy(), invert=True)
    np.testing.assert_allclose(inv(out), data, rtol=1e-4, atol=1e-4)
    scalar = layers.Normalization(axis=None)
    scalar.adapt(data)
    np.testing.assert_allclose(float(scalar.mean.numpy()), data.mean(), rtol=1e-5)
    batches = [data[:20], data[20:]]
    streamed = layers.Normalization()
    streamed.adapt(iter(batches))
    np.testing.assert_allclose(streamed.mean.numpy(), data.mean(0), rtol=1e-5)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="axis"):
        layers.Normalization(axis=3).build((None, 2))
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=4).build((None, 6))
    with pytest.raises(ValueError, match="larger than the input"):
        layers.CenterCrop(8, 8)(np.zeros((1, 4, 4, 1), "float32"))


@pytest.mark.parametrize(
    "layer",
    [
        layers.BatchNormalization(axis=1, momentum=0.9, center=False, gamma_regularizer="l2"),
        layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
        layers.GroupNormalization(groups=4, axis=1),
        layers.UnitNormalization(axis=[1, 2]),
        layers.Normalization(mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True),
        layers.Rescaling(1.0 / 255),
        layers.Resizing(4, 5, interpolation="nearest"),
        layers.CenterCrop(2, 3, data_format="channels_first"),
    ],
)
def test_serialize_round_trip(layer):
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is type(layer)
    assert again.get_config() == layer.get_config()
