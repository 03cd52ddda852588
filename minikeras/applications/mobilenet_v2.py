"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

Layer names, weight order and parameter counts are Keras 3's
(`keras/src/applications/mobilenet_v2.py`), so its ImageNet files load unchanged.
"""

from __future__ import annotations

import warnings

from minikeras import layers
from minikeras.applications import base, imagenet_utils
from minikeras.applications import weights as weights_lib

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)


def make_divisible(v, divisor=8, min_value=None) -> int:
    """Rounds a channel count to a multiple of `divisor`, never more than 10 % down."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(x, name):
    return layers.BatchNormalization(
        axis=base.channel_axis(), epsilon=1e-3, momentum=0.999, name=name
    )(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    in_channels = inputs.shape[base.channel_axis()]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(
            expansion * in_channels,
            kernel_size=1,
            padding="same",
            use_bias=False,
            name=f"{prefix}expand",
        )(x)
        x = _bn(x, f"{prefix}expand_BN")
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=stride,
        use_bias=False,
        padding="same" if stride == 1 else "valid",
        name=f"{prefix}depthwise",
    )(x)
    x = _bn(x, f"{prefix}depthwise_BN")
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(
        pointwise_filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = _bn(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


# (filters, stride, expansion) of blocks 0..16.
_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6),
    (24, 1, 6),
    (32, 2, 6),
    (32, 1, 6),
    (32, 1, 6),
    (64, 2, 6),
    (64, 1, 6),
    (64, 1, 6),
    (64, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (160, 2, 6),
    (160, 1, 6),
    (160, 1, 6),
    (320, 1, 6),
)


def MobileNetV2(
    input_shape=None,
    alpha=1.0,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Instantiates the MobileNetV2 architecture.

    Args:
        input_shape: Optional `(rows, cols, 3)`; at least 32x32. Required to be
            `(224, 224, 3)` (or a listed square size) with `include_top` and ImageNet.
        alpha: Width multiplier (`0.35, 0.5, 0.75, 1.0, 1.3, 1.4` for ImageNet weights).
        include_top: Whether to include the classifier on top.
        weights: `None`, `"imagenet"` (read from `$KERAS_HOME/models/`) or a file path.
        input_tensor: Optional Keras tensor to use as the model's input.
        pooling: `None`, `"avg"` or `"max"` when `include_top=False`.
        classes: Number of classes (1000 with ImageNet weights and a top).
        classifier_activation: Activation of the `predictions` layer.
        name: Model name (default `mobilenetv2_{alpha:0.2f}_{rows}`).

    Returns:
        A `Model`.

    Example:
        >>> base = MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False,
        ...                    weights=None)
    """
    weights_lib.check_weights_argument(weights, include_top, classes)
    shape_for_size = input_shape
    if input_shape is None and input_tensor is not None:
        shape_for_size = tuple(input_tensor.shape[1:])
    default_size = 224
    if shape_for_size is not None:
        rows, cols = base.spatial_size(shape_for_size)
        if rows == cols and rows in _SIZES:
            default_size = rows
    img_input, input_shape = base.image_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    rows, cols = base.spatial_size(input_shape)
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                "loaded as the default.",
                stacklevel=2,
            )
    file_name = (
        f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
        f"{'' if include_top else '_no_top'}.h5"
    )
    weights_path = weights_lib.resolve_weights(weights, file_name, BASE_WEIGHT_PATH + file_name)
    x = layers.Conv2D(
        make_divisible(32 * alpha, 8),
        kernel_size=3,
        strides=(2, 2),
        padding="same",
        use_bias=False,
        name="Conv1",
    )(img_input)
    x = _bn(x, "bn_Conv1")
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(
            x, filters=filters, alpha=alpha, stride=stride, expansion=expansion, block_id=block_id
        )
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn(x, "Conv_1_bn")
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = base.classifier_head(x, include_top, pooling, classes, classifier_activation, weights)
    model = base.functional(input_tensor, img_input, x, name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    return weights_lib.load_weights_file(model, weights_path)


def preprocess_input(x, data_format=None):
    """Scales pixels from `[0, 255]` to `[-1, 1]` (mode `"tf"`)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """ImageNet top-k labels; see `imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
