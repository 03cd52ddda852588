"""Xception (Chollet, 2017): depthwise-separable convolutions with residual links.

Layer names, weight order and parameter counts are Keras 3's
(`keras/src/applications/xception.py`), so its ImageNet files load unchanged.
"""

from __future__ import annotations

from minikeras import layers
from minikeras.applications import base, imagenet_utils
from minikeras.applications import weights as weights_lib

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"


def _sep_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=base.channel_axis(), name=f"{name}_bn")(x)


def _projection(x, filters):
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=base.channel_axis())(residual)


def _entry_block(x, filters_1, filters_2, block, pre_activation=True):
    """Two separable convs and a strided max pool, added to a 1x1 strided projection."""
    residual = _projection(x, filters_2)
    if pre_activation:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters_1, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters_2, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="xception",
):
    """Instantiates Xception (default input 299x299, at least 71x71).

    Args:
        include_top: Whether to include the classifier on top.
        weights: `None`, `"imagenet"` (read from `$KERAS_HOME/models/`) or a file path.
        input_tensor: Optional Keras tensor to use as the model's input.
        input_shape: Optional `(rows, cols, 3)`.
        pooling: `None`, `"avg"` or `"max"` when `include_top=False`.
        classes: Number of classes.
        classifier_activation: Activation of the `predictions` layer.
        name: Model name.

    Returns:
        A `Model`.
    """
    weights_lib.check_weights_argument(weights, include_top, classes)
    img_input, _ = base.image_input(input_tensor, input_shape, 299, 71, include_top, weights)
    file_name = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    weights_path = weights_lib.resolve_weights(weights, file_name, _BASE + file_name)
    axis = base.channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, 128, 128, 2, pre_activation=False)
    x = _entry_block(x, 256, 256, 3)
    x = _entry_block(x, 728, 728, 4)
    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for conv in (1, 2, 3):
            x = layers.Activation("relu", name=f"{prefix}_sepconv{conv}_act")(x)
            x = _sep_bn(x, 728, f"{prefix}_sepconv{conv}")
        x = layers.add([x, residual])
    x = _entry_block(x, 728, 1024, 13)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = base.classifier_head(
        x, include_top, pooling, classes, classifier_activation, weights, top_pool_name="avg_pool"
    )
    model = base.functional(input_tensor, img_input, x, name)
    return weights_lib.load_weights_file(model, weights_path)


def preprocess_input(x, data_format=None):
    """Scales pixels from `[0, 255]` to `[-1, 1]` (mode `"tf"`)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """ImageNet top-k labels; see `imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
