"""Every conv/pooling/reshaping/normalization layer through `run_layer_test`
(config round trip, symbolic vs eager shapes, float64 gradients, a training
step, JSON + HDF5 model round trip). Shapes and weight counts as Keras 3.15.1."""

from __future__ import annotations

import pytest

from minikeras import layers
from minikeras.testing import run_layer_test

# (class, kwargs, input shape, expected output shape, trainable, non-trainable)
CASES = [
    (
        layers.Conv1D,
        {"filters": 3, "kernel_size": 3, "padding": "causal"},
        (2, 6, 2),
        (2, 6, 3),
        2,
        0,
    ),
    (
        layers.Conv2D,
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
        (2, 5, 5, 2),
        (2, 3, 3, 4),
        2,
        0,
    ),
    (
        layers.Conv2D,
        {"filters": 4, "kernel_size": 2, "groups": 2, "data_format": "channels_first"},
        (2, 4, 4, 4),
        (2, 4, 3, 3),
        2,
        0,
    ),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2}, (1, 3, 3, 3, 2), (1, 2, 2, 2, 2), 2, 0),
    (
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2},
        (2, 3, 2),
        (2, 7, 2),
        2,
        0,
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (1, 3, 3, 2),
        (1, 6, 6, 2),
        2,
        0,
    ),
    (
        layers.Conv3DTranspose,
        {"filters": 1, "kernel_size": 2, "strides": 2},
        (1, 2, 2, 1, 2),
        (1, 4, 4, 2, 1),
        2,
        0,
    ),
    (
        layers.SeparableConv1D,
        {"filters": 2, "kernel_size": 2, "depth_multiplier": 2},
        (2, 5, 2),
        (2, 4, 2),
        3,
        0,
    ),
    (
        layers.SeparableConv2D,
        {"filters": 3, "kernel_size": 3, "padding": "same"},
        (1, 4, 4, 2),
        (1, 4, 4, 3),
        3,
        0,
    ),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 5, 2), (2, 3, 4), 2, 0),
    (layers.DepthwiseConv2D, {"kernel_size": 2, "strides": 2}, (1, 4, 4, 3), (1, 2, 2, 3), 2, 0),
    (layers.MaxPooling1D, {"pool_size": 2}, (2, 6, 2), (2, 3, 2), 0, 0),
    (
        layers.MaxPooling2D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (1, 5, 5, 2),
        (1, 3, 3, 2),
        0,
        0,
    ),
    (layers.MaxPooling3D, {}, (1, 4, 4, 2, 1), (1, 2, 2, 1, 1), 0, 0),
    (layers.AveragePooling1D, {"padding": "same"}, (2, 5, 2), (2, 3, 2), 0, 0),
    (layers.AveragePooling2D, {"data_format": "channels_first"}, (1, 2, 4, 4), (1, 2, 2, 2), 0, 0),
    (layers.AveragePooling3D, {"pool_size": (1, 2, 2)}, (1, 2, 4, 4, 1), (1, 2, 2, 2, 1), 0, 0),
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3), 0, 0),
    (layers.GlobalAveragePooling1D, {"keepdims": True}, (2, 5, 3), (2, 1, 3), 0, 0),
    (layers.GlobalMaxPooling2D, {"data_format": "channels_first"}, (2, 3, 4, 4), (2, 3), 0, 0),
    (layers.GlobalAveragePooling2D, {}, (2, 4, 4, 3), (2, 3), 0, 0),
    (layers.GlobalMaxPooling3D, {"keepdims": True}, (1, 2, 2, 2, 3), (1, 1, 1, 1, 3), 0, 0),
    (layers.GlobalAveragePooling3D, {}, (1, 2, 2, 2, 3), (1, 3), 0, 0),
    (layers.UpSampling1D, {"size": 3}, (2, 3, 2), (2, 9, 2), 0, 0),
    (
        layers.UpSampling2D,
        {"size": (2, 1), "interpolation": "bilinear"},
        (1, 3, 3, 2),
        (1, 6, 3, 2),
        0,
        0,
    ),
    (layers.UpSampling3D, {"size": 2}, (1, 2, 1, 2, 1), (1, 4, 2, 4, 1), 0, 0),
    (layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 3, 2), (2, 6, 2), 0, 0),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, (1, 3, 3, 2), (1, 4, 6, 2), 0, 0),
    (layers.ZeroPadding3D, {"padding": 1}, (1, 1, 2, 1, 1), (1, 3, 4, 3, 1), 0, 0),
    (layers.Cropping1D, {"cropping": (1, 2)}, (2, 6, 2), (2, 3, 2), 0, 0),
    (layers.Cropping2D, {"cropping": ((1, 0), (0, 2))}, (1, 4, 5, 2), (1, 3, 3, 2), 0, 0),
    (layers.Cropping3D, {"cropping": 1}, (1, 3, 4, 3, 1), (1, 1, 2, 1, 1), 0, 0),
    (layers.BatchNormalization, {}, (6, 3), (6, 3), 2, 2),
    (layers.BatchNormalization, {"axis": 1, "center": False}, (4, 2, 3, 3), (4, 2, 3, 3), 1, 2),
    (layers.LayerNormalization, {"axis": [1, 2]}, (3, 2, 4), (3, 2, 4), 2, 0),
    (layers.GroupNormalization, {"groups": 2}, (2, 3, 4), (2, 3, 4), 2, 0),
    (layers.UnitNormalization, {}, (3, 4), (3, 4), 0, 0),
    (layers.Normalization, {"mean": [1.0, 2.0], "variance": [4.0, 9.0]}, (3, 2), (3, 2), 0, 0),
    (layers.Rescaling, {"scale": 0.5, "offset": 1.0}, (2, 3), (2, 3), 0, 0),
    (layers.Resizing, {"height": 3, "width": 5}, (1, 4, 4, 2), (1, 3, 5, 2), 0, 0),
    (layers.CenterCrop, {"height": 2, "width": 3}, (1, 4, 5, 2), (1, 2, 3, 2), 0, 0),
]


@pytest.mark.parametrize(
    "cls,kwargs,shape,out_shape,trainable,non_trainable",
    CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)],
)
def test_run_layer_test(cls, kwargs, shape, out_shape, trainable, non_trainable):
    has_weights = trainable > 0
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=trainable,
        expected_num_non_trainable_weights=non_trainable,
        run_training_check=has_weights,
        gradient_tolerance=1e-5,
    )
