"""VGG16 (Simonyan & Zisserman, 2014), and the builder VGG19 shares.

Layer names, weight order and parameter counts are Keras 3's
(`keras/src/applications/vgg16.py`), so its ImageNet files load unchanged.
"""

from __future__ import annotations

from minikeras import layers
from minikeras.applications import base, imagenet_utils
from minikeras.applications import weights as weights_lib

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"


def build_vgg(
    convs_per_block,
    family,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    name,
):
    """A VGG network with `convs_per_block[i]` 3x3 convolutions in block `i + 1`."""
    weights_lib.check_weights_argument(weights, include_top, classes)
    img_input, _ = base.image_input(input_tensor, input_shape, 224, 32, include_top, weights)
    file_name = f"{family}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    weights_path = weights_lib.resolve_weights(weights, file_name, f"{_BASE}{family}/{file_name}")
    x = img_input
    for block, (filters, convs) in enumerate(
        zip((64, 128, 256, 512, 512), convs_per_block), start=1
    ):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(
                filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}"
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = base.feature_pooling(x, pooling)
    model = base.functional(input_tensor, img_input, x, name)
    return weights_lib.load_weights_file(model, weights_path)


def VGG16(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg16",
):
    """Instantiates the VGG16 model.

    Args:
        include_top: Whether to include the 3 fully-connected layers on top.
        weights: `None`, `"imagenet"` (read from `$KERAS_HOME/models/`) or a file path.
        input_tensor: Optional Keras tensor to use as the model's input.
        input_shape: Optional `(rows, cols, 3)`, at least 32x32; `(224, 224, 3)` with
            a top and ImageNet weights.
        pooling: `None`, `"avg"` or `"max"` when `include_top=False`.
        classes: Number of classes.
        classifier_activation: Activation of the `predictions` layer.
        name: Model name.

    Returns:
        A `Model`.
    """
    return build_vgg(
        (2, 2, 3, 3, 3),
        "vgg16",
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


def preprocess_input(x, data_format=None):
    """RGB to BGR, minus the ImageNet channel means (mode `"caffe"`)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """ImageNet top-k labels; see `imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
