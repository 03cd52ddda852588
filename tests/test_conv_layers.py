"""Convolution, pooling and reshaping layers: gradients through the layers,
shapes, errors, Keras 1/2 argument names and config round trips."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from minikeras import layers
from minikeras.testing import layer_gradient_check

RNG = np.random.default_rng(11)


@pytest.mark.parametrize(
    "make,shape",
    [
        (lambda: layers.Conv1D(3, 3, strides=2, padding="same", activation="tanh"), (2, 7, 2)),
        (lambda: layers.Conv1D(2, 2, padding="causal", dilation_rate=2), (2, 6, 2)),
        (lambda: layers.Conv2D(3, (3, 2), strides=(2, 1), padding="same"), (2, 6, 5, 2)),
        (lambda: layers.Conv2D(4, 3, groups=2, data_format="channels_first"), (1, 4, 5, 5)),
        (lambda: layers.Conv3D(2, 2, padding="same"), (1, 3, 3, 2, 2)),
        (lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same"), (1, 3, 3, 2)),
        (lambda: layers.Conv1DTranspose(2, 3, strides=2, output_padding=1), (2, 3, 2)),
        (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), (1, 4, 4, 2)),
        (lambda: layers.SeparableConv2D(3, 2, depth_multiplier=2), (1, 4, 4, 2)),
        (lambda: layers.SeparableConv1D(2, 3, padding="same"), (2, 5, 2)),
        (lambda: layers.MaxPooling2D(2, padding="same"), (2, 5, 5, 2)),
        (lambda: layers.AveragePooling1D(3, strides=1, padding="same"), (2, 5, 2)),
        (lambda: layers.GlobalMaxPooling2D(), (2, 3, 3, 2)),
        (lambda: layers.GlobalAveragePooling3D(keepdims=True), (1, 2, 2, 2, 3)),
        (lambda: layers.UpSampling2D((2, 3), interpolation="bilinear"), (1, 3, 2, 2)),
        (lambda: layers.UpSampling3D(2), (1, 2, 1, 2, 1)),
        (lambda: layers.ZeroPadding2D(((1, 0), (0, 2))), (1, 2, 3, 2)),
        (lambda: layers.Cropping3D(1), (1, 3, 4, 3, 1)),
    ],
)
def test_layer_gradients(make, shape):
    layer = make()
    layer.dtype = "float64"
    x = RNG.permutation(int(np.prod(shape))).reshape(shape) / 7.0  # no max-pool ties
    layer.build(shape)
    for w in layer.weights:
        w.value = w.value.astype("float64")
    layer_gradient_check(layer, x)


def test_wrong_rank_input_names_layer_and_shapes():
    conv = layers.Conv2D(4, 3, name="my_conv")
    with pytest.raises(
        ValueError,
        match=r'layer "my_conv".*expected ndim=4, found ndim=3.*'
        r"\(2, 5, 5\)",
    ):
        conv(np.zeros((2, 5, 5), "float32"))
    conv(np.zeros((2, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=5"):
        conv(np.zeros((2, 5, 5, 1, 1), "float32"))
    with pytest.raises(ValueError, match=r'layer "max_pooling1d".*expected ndim=3'):
        layers.MaxPooling1D()(np.zeros((2, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.GlobalAveragePooling2D()(np.zeros((2, 5), "float32"))


def test_symbolic_wrong_rank_and_shapes():
    from minikeras.layers import Input

    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.Conv2D(2, 3)(Input((5, 5)))
    t = layers.Conv2D(2, 3, strides=2, padding="same")(Input((7, 9, 3)))
    assert tuple(t.shape) == (None, 4, 5, 2)
    t = layers.MaxPooling2D()(t)
    assert tuple(t.shape) == (None, 2, 2, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="groups"):
        layers.Conv2D(4, 3, groups=3)
    with pytest.raises(ValueError, match="divisible"):
        layers.Conv2D(4, 3, groups=2).build((None, 5, 5, 3))
    with pytest.raises(ValueError, match="output padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="negative or zero"):
        layers.Conv2D(2, 5).compute_output_shape((None, 3, 3, 1))
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping2D(3)(np.zeros((1, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv2D(2, 3).build((None, 5, 5, None))


def test_keras1_conv_arguments_warn_and_translate():
    with pytest.warns(DeprecationWarning):
        c = layers.Convolution2D(
            8, 3, 3, border_mode="same", subsample=(2, 2), init="he_normal", dim_ordering="tf"
        )
    assert (c.filters, c.kernel_size, c.strides, c.padding) == (8, (3, 3), (2, 2), "same")
    assert c.data_format == "channels_last"
    assert type(c.kernel_initializer).__name__ == "HeNormal"
    assert type(c).__name__ == "Conv2D" and isinstance(c, layers.Conv2D)
    with pytest.warns(DeprecationWarning):
        c = layers.Convolution2D(4, 5, 3)  # Keras 1: nb_row=5, nb_col=3
    assert c.kernel_size == (5, 3) and c.strides == (1, 1)
    with pytest.warns(DeprecationWarning):
        c = layers.Conv2D(nb_filter=6, nb_row=2, nb_col=4, W_regularizer="l2", bias=False)
    assert (c.filters, c.kernel_size, c.use_bias) == (6, (2, 4), False)
    assert c.kernel_regularizer is not None
    with pytest.warns(DeprecationWarning):
        c = layers.Convolution1D(nb_filter=3, filter_length=5, subsample_length=2)
    assert (c.filters, c.kernel_size, c.strides) == (3, (5,), (2,))
    with pytest.warns(DeprecationWarning):
        c = layers.Convolution3D(2, 3, 3, 3)
    assert c.kernel_size == (3, 3, 3)
    with pytest.warns(DeprecationWarning):
        c = layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2))
    assert (c.kernel_size, c.strides, c.dilation_rate) == ((3, 3), (1, 1), (2, 2))
    with pytest.warns(DeprecationWarning):
        p = layers.MaxPooling1D(pool_length=3, stride=1, border_mode="same")
    assert (p.pool_size, p.strides, p.padding) == ((3,), (1,), "same")
    with pytest.warns(DeprecationWarning):
        p = layers.MaxPooling2D((2, 2), dim_ordering="th")
    assert p.data_format == "channels_first"
    with pytest.warns(DeprecationWarning):
        z = layers.ZeroPadding2D((1, 1), dim_ordering="tf")
    assert z.padding == ((1, 1), (1, 1))


def test_keras3_positional_strides_stay_strides():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = layers.Conv2D(4, 3, 2)
    assert c.kernel_size == (3, 3) and c.strides == (2, 2)
    c = layers.Conv2D(3, 3, 1, "same", "channels_first", 2, 1, "relu")  # Keras order
    assert (c.padding, c.data_format, c.dilation_rate) == ("same", "channels_first", (2, 2))


def test_aliases_are_the_keras_names():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    assert layers.Convolution1D is layers.Conv1D
    assert layers.Deconvolution2D is layers.Conv2DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


@pytest.mark.parametrize(
    "layer",
    [
        layers.Conv2D(
            4,
            (3, 2),
            strides=2,
            padding="same",
            dilation_rate=1,
            activation="relu",
            kernel_regularizer="l2",
            name="c",
        ),
        layers.Conv1D(3, 3, padding="causal", dilation_rate=2, use_bias=False),
        layers.Conv3DTranspose(2, 2, strides=2, output_padding=1),
        layers.SeparableConv2D(4, 3, depth_multiplier=2, pointwise_initializer="he_uniform"),
        layers.DepthwiseConv1D(3, depth_multiplier=2, data_format="channels_first"),
        layers.AveragePooling3D((2, 2, 1), padding="same"),
        layers.GlobalMaxPooling1D(keepdims=True),
        layers.UpSampling1D(3),
        layers.UpSampling2D(2, interpolation="bilinear"),
        layers.ZeroPadding3D(((1, 2), (0, 1), (3, 0))),
        layers.Cropping1D((2, 1)),
    ],
)
def test_serialize_round_trip(layer):
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is type(layer)
    assert again.get_config() == layer.get_config()


def test_tf_keras_style_configs_load():
    cfg = {
        "name": "dw",
        "trainable": True,
        "dtype": "float32",
        "kernel_size": [3, 3],
        "strides": [1, 1],
        "padding": "valid",
        "data_format": "channels_last",
        "dilation_rate": [1, 1],
        "groups": 1,
        "activation": "linear",
        "use_bias": True,
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "bias_regularizer": None,
        "activity_regularizer": None,
        "bias_constraint": None,
        "depth_multiplier": 1,
        "depthwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "depthwise_regularizer": None,
        "depthwise_constraint": None,
    }
    dw = layers.DepthwiseConv2D.from_config(cfg)
    assert dw.kernel_size == (3, 3)
    t = layers.Conv2DTranspose.from_config(
        {"filters": 2, "kernel_size": [3, 3], "groups": 1, "output_padding": None}
    )
    assert t.filters == 2


def test_global_average_pooling1d_respects_mask():
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    out = np.asarray(layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(out, [[1.0, 2.0], [6.0, 7.0]])


def test_conv_kernel_regularizer_adds_a_loss():
    conv = layers.Conv2D(2, 3, kernel_regularizer="l2", bias_regularizer="l1")
    conv(np.zeros((1, 4, 4, 1), "float32"))
    assert len(conv.losses) == 2
    expected = 0.01 * np.sum(conv.kernel.numpy() ** 2)
    np.testing.assert_allclose(float(np.asarray(conv.losses[0])), expected, rtol=1e-5)


def test_ops_namespace_has_keras_names():
    from minikeras import ops

    for name in (
        "conv",
        "depthwise_conv",
        "separable_conv",
        "conv_transpose",
        "max_pool",
        "average_pool",
        "batch_normalization",
        "layer_normalization",
    ):
        assert callable(getattr(ops, name))
    assert ops.image.resize(np.zeros((1, 2, 2, 1)), (4, 4)).shape == (1, 4, 4, 1)


def test_keras2_module_paths():
    from minikeras.layers.convolutional import Conv2D, MaxPooling2D, UpSampling2D, ZeroPadding2D
    from minikeras.layers.normalization import BatchNormalization
    from minikeras.layers.pooling import GlobalAveragePooling1D

    assert Conv2D is layers.Conv2D and MaxPooling2D is layers.MaxPooling2D
    assert UpSampling2D is layers.UpSampling2D and ZeroPadding2D is layers.ZeroPadding2D
    assert BatchNormalization is layers.BatchNormalization
    assert GlobalAveragePooling1D is layers.GlobalAveragePooling1D
    import minikeras.layers.convolutional as conv_module

    assert "Conv2D" in dir(conv_module) and "MaxPooling2D" in conv_module.NAMES
    with pytest.raises(AttributeError, match="NoSuchLayer"):
        conv_module.NoSuchLayer  # noqa: B018
