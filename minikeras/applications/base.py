"""Pieces every application shares: its input, its classifier head, the final model."""

from __future__ import annotations

from minikeras import layers
from minikeras.applications import imagenet_utils
from minikeras.backend import config
from minikeras.backend.keras_tensor import KerasTensor


def channel_axis() -> int:
    """The channel axis under the current `image_data_format`."""
    return 1 if config.image_data_format() == "channels_first" else -1


def spatial_size(input_shape) -> tuple:
    """`(rows, cols)` of an input shape without the batch axis."""
    if config.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def image_input(input_tensor, input_shape, default_size, min_size, include_top, weights):
    """Validates the input arguments and returns `(img_input, input_shape)`."""
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=config.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    if input_tensor is None:
        return layers.Input(shape=input_shape), input_shape
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError(
            "`input_tensor` must be a Keras tensor (the output of `keras.Input()` or of a "
            f"layer). Received: input_tensor={input_tensor!r} of type {type(input_tensor)}"
        )
    return input_tensor, input_shape


def source_inputs(tensor) -> list:
    """The `Input` tensors a symbolic tensor was computed from."""
    layer, node_index, _ = tensor._keras_history
    if isinstance(layer, layers.InputLayer):
        return [tensor]
    found = []
    for t in layer._inbound_nodes[node_index].flat_inputs:
        for s in source_inputs(t):
            if all(s is not f for f in found):
                found.append(s)
    return found


def classifier_head(
    x,
    include_top,
    pooling,
    classes,
    classifier_activation,
    weights,
    top_pool_name=None,
    avg_name=None,
    max_name=None,
):
    """Global pooling + `predictions` Dense (top), or the optional pooling (no top)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return feature_pooling(x, pooling, avg_name, max_name)


def feature_pooling(x, pooling, avg_name=None, max_name=None):
    """`pooling="avg"`/`"max"` on the last feature map when there is no top."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def functional(input_tensor, img_input, outputs, name):
    """The application's `Functional` model, rooted at the true source inputs."""
    from minikeras.models import Model

    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    return Model(inputs, outputs, name=name)
