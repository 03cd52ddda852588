"""EfficientNetV2B0-B3 (Tan & Le, 2021): fused and regular MBConv stages.

The model includes its preprocessing (`Rescaling(1/255)` + ImageNet `Normalization`),
so `preprocess_input` is the identity. Layer names, weight order and parameter counts
are Keras 3's (`keras/src/applications/efficientnet_v2.py`).
"""

from __future__ import annotations

import math

from minikeras import layers
from minikeras.applications import base, imagenet_utils
from minikeras.applications import weights as weights_lib
from minikeras.applications.efficientnet import (
    CONV_KERNEL_INITIALIZER,
    DENSE_KERNEL_INITIALIZER,
)

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
# (kernel, repeats, filters_in, filters_out, expand_ratio, se_ratio, strides, fused) of the
# B0-B3 stages.
_STAGES_B = (
    (3, 1, 32, 16, 1, 0.0, 1, True),
    (3, 2, 16, 32, 4, 0.0, 2, True),
    (3, 2, 32, 48, 4, 0.0, 2, True),
    (3, 3, 48, 96, 4, 0.25, 2, False),
    (3, 5, 96, 112, 6, 0.25, 1, False),
    (3, 8, 112, 192, 6, 0.25, 2, False),
)


def round_filters(filters, width_coefficient, min_depth=8, depth_divisor=8) -> int:
    """Scales a channel count by the width coefficient, rounded to the divisor."""
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _conv(filters, kernel, strides, name, activation=None):
    return layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding="same",
        use_bias=False,
        activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=name,
    )


def _bn_act(x, name, bn_momentum, activation=None, act_name=None):
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=name)(x)
    return x if activation is None else layers.Activation(activation, name=act_name)(x)


def _squeeze_excite(x, filters, filters_in, se_ratio, activation, name):
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        max(1, int(filters_in * se_ratio)),
        1,
        padding="same",
        activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_reduce",
    )(se)
    se = layers.Conv2D(
        filters,
        1,
        padding="same",
        activation="sigmoid",
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_expand",
    )(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _block(
    inputs,
    fused,
    input_filters,
    output_filters,
    expand_ratio,
    kernel_size,
    strides,
    se_ratio,
    bn_momentum,
    activation,
    survival_probability,
    name,
):
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(
            filters, kernel_size if fused else 1, strides if fused else 1, f"{name}expand_conv"
        )(x)
        x = _bn_act(x, f"{name}expand_bn", bn_momentum, activation, f"{name}expand_activation")
    if not fused:
        x = layers.DepthwiseConv2D(
            kernel_size,
            strides=strides,
            padding="same",
            use_bias=False,
            depthwise_initializer=CONV_KERNEL_INITIALIZER,
            name=f"{name}dwconv2",
        )(x)
        x = _bn_act(x, f"{name}bn", bn_momentum, activation, f"{name}activation")
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    one_by_one = not fused or expand_ratio != 1
    x = _conv(
        output_filters,
        1 if one_by_one else kernel_size,
        1 if one_by_one else strides,
        f"{name}project_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}project_bn")(x)
    if fused and expand_ratio == 1:
        x = layers.Activation(activation, name=f"{name}project_activation")(x)
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(
                survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop"
            )(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def EfficientNetV2(
    width_coefficient,
    depth_coefficient,
    default_size,
    dropout_rate=0.2,
    drop_connect_rate=0.2,
    depth_divisor=8,
    min_depth=8,
    bn_momentum=0.9,
    activation="swish",
    name="efficientnetv2",
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    include_preprocessing=True,
    weights_name=None,
):
    """An EfficientNetV2-B network scaled by the width and depth coefficients.

    Returns:
        A `Model`.
    """
    weights_lib.check_weights_argument(weights, include_top, classes)
    img_input, input_shape = base.image_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    file_name = name + (".h5" if include_top else "_notop.h5")
    weights_path = weights_lib.resolve_weights(weights, file_name, BASE_WEIGHTS_PATH + file_name)
    x = img_input
    if include_preprocessing:
        if input_shape[-1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(
                mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2], axis=3
            )(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def scaled(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = _conv(scaled(_STAGES_B[0][2]), 3, 2, "stem_conv")(x)
    x = _bn_act(x, "stem_bn", bn_momentum, activation, "stem_activation")
    total = float(sum(stage[1] for stage in _STAGES_B))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expand, se, strides, fused) in enumerate(_STAGES_B):
        f_in, f_out = scaled(f_in), scaled(f_out)
        for j in range(int(math.ceil(depth_coefficient * repeats))):
            if j > 0:
                strides, f_in = 1, f_out
            x = _block(
                x,
                fused,
                f_in,
                f_out,
                expand,
                kernel,
                strides,
                se,
                bn_momentum,
                activation,
                drop_connect_rate * b / total,
                f"block{i + 1}{chr(j + 97)}_",
            )
            b += 1
    x = _conv(scaled(1280), 1, 1, "top_conv")(x)
    x = _bn_act(x, "top_bn", bn_momentum, activation, "top_activation")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(
            classes,
            activation=classifier_activation,
            kernel_initializer=DENSE_KERNEL_INITIALIZER,
            name="predictions",
        )(x)
    else:
        x = base.feature_pooling(x, pooling, "avg_pool", "max_pool")
    model = base.functional(input_tensor, img_input, x, name)
    return weights_lib.load_weights_file(model, weights_path)


_SCALING = {
    "b0": (1.0, 1.0, 224),
    "b1": (1.0, 1.1, 240),
    "b2": (1.1, 1.2, 260),
    "b3": (1.2, 1.4, 300),
}


def _variant(key):
    width, depth, size = _SCALING[key]

    def build(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        include_preprocessing=True,
        name=f"efficientnetv2-{key}",
    ):
        return EfficientNetV2(
            width,
            depth,
            size,
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing,
            weights_name=key,
        )

    build.__name__ = build.__qualname__ = f"EfficientNetV2{key.upper()}"
    build.__doc__ = f"""Instantiates EfficientNetV2{key.upper()} (default input {size}x{size}).

    Args:
        include_top: Whether to include the classifier on top.
        weights: `None`, `"imagenet"` (read from `$KERAS_HOME/models/`) or a file path.
        input_tensor: Optional Keras tensor to use as the model's input.
        input_shape: Optional `(rows, cols, 3)`, at least 32x32; pixels in `[0, 255]`.
        pooling: `None`, `"avg"` or `"max"` when `include_top=False`.
        classes: Number of classes.
        classifier_activation: Activation of the `predictions` layer.
        include_preprocessing: Whether the model rescales `[0, 255]` input itself.
        name: Model name.

    Returns:
        A `Model`.
    """
    return build


EfficientNetV2B0 = _variant("b0")
EfficientNetV2B1 = _variant("b1")
EfficientNetV2B2 = _variant("b2")
EfficientNetV2B3 = _variant("b3")


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 models rescale their `[0, 255]` input themselves."""
    return x


def decode_predictions(preds, top=5):
    """ImageNet top-k labels; see `imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
