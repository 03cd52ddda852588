"""MobileNet (Howard et al., 2017): depthwise-separable convolutions.

Layer names, weight order and parameter counts are Keras 3's
(`keras/src/applications/mobilenet.py`), so its ImageNet files load unchanged.
"""

from __future__ import annotations

import warnings

from minikeras import layers
from minikeras.applications import base, imagenet_utils
from minikeras.applications import weights as weights_lib

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    x = layers.Conv2D(
        int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides, name="conv1"
    )(inputs)
    x = layers.BatchNormalization(axis=base.channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, filters, alpha, depth_multiplier, strides, block_id):
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if strides == (1, 1) else "valid",
        depth_multiplier=depth_multiplier,
        strides=strides,
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=base.channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        int(filters * alpha),
        (1, 1),
        padding="same",
        use_bias=False,
        strides=(1, 1),
        name=f"conv_pw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=base.channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


# (pointwise filters, stride) of blocks 1..13.
_BLOCKS = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)


def MobileNet(
    input_shape=None,
    alpha=1.0,
    depth_multiplier=1,
    dropout=1e-3,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Instantiates the MobileNet architecture.

    Args:
        input_shape: Optional `(rows, cols, 3)`, at least 32x32.
        alpha: Width multiplier (`0.25, 0.5, 0.75, 1.0` for ImageNet weights).
        depth_multiplier: Depth multiplier of the depthwise convolutions (1 for ImageNet).
        dropout: Dropout rate before the classifier.
        include_top: Whether to include the classifier on top.
        weights: `None`, `"imagenet"` (read from `$KERAS_HOME/models/`) or a file path.
        input_tensor: Optional Keras tensor to use as the model's input.
        pooling: `None`, `"avg"` or `"max"` when `include_top=False`.
        classes: Number of classes.
        classifier_activation: Activation of the `predictions` layer.
        name: Model name (default `mobilenet_{alpha:0.2f}_{rows}`).

    Returns:
        A `Model`.
    """
    weights_lib.check_weights_argument(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = base.spatial_size(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    img_input, input_shape = base.image_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    rows, cols = base.spatial_size(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                "If imagenet weights are being loaded, depth multiplier must be 1. "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in _ALPHA_TEXT:
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, "
                f"`0.75` or `1.0` only. Received alpha={alpha}"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded "
                "as the default.",
                stacklevel=2,
            )
    file_name = None
    if weights == "imagenet":
        suffix = "_tf.h5" if include_top else "_tf_no_top.h5"
        file_name = f"mobilenet_{_ALPHA_TEXT[alpha]}_{rows}{suffix}"
    weights_path = weights_lib.resolve_weights(
        weights, file_name, BASE_WEIGHT_PATH + str(file_name)
    )
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, (stride, stride), block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = base.feature_pooling(x, pooling)
    model = base.functional(input_tensor, img_input, x, name or f"mobilenet_{alpha:0.2f}_{rows}")
    return weights_lib.load_weights_file(model, weights_path)


def preprocess_input(x, data_format=None):
    """Scales pixels from `[0, 255]` to `[-1, 1]` (mode `"tf"`)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """ImageNet top-k labels; see `imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
