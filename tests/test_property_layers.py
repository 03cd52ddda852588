"""Property tests over every layer: output shape == `compute_output_shape`, configs round-trip.

`CASES` must name every layer class that `minikeras.layers` exports, so a new layer
without a case fails `test_every_exported_layer_has_a_case`.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minikeras
from minikeras import layers

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# name -> (factory kwargs or callable returning kwargs, input spec). An input spec is a shape
# tuple (float input), ("int", vocab, shape) for integer input, or a list of specs.
CASES: dict[str, tuple] = {
    "Dense": ({"units": 3}, (5,)),
    "Activation": ({"activation": "relu"}, (4,)),
    "Dropout": ({"rate": 0.5}, (4,)),
    "Flatten": ({}, (2, 3)),
    "Reshape": ({"target_shape": (3, 2)}, (2, 3)),
    "Conv1D": ({"filters": 2, "kernel_size": 3}, (8, 3)),
    "Conv2D": ({"filters": 2, "kernel_size": 3, "padding": "same", "strides": 2}, (7, 7, 3)),
    "Conv3D": ({"filters": 2, "kernel_size": 2}, (4, 4, 4, 2)),
    "LocallyConnected1D": ({"filters": 2, "kernel_size": 3, "implementation": 3}, (8, 3)),
    "LocallyConnected2D": (
        {"filters": 2, "kernel_size": 2, "padding": "same", "implementation": 2},
        (5, 4, 3),
    ),
    "Convolution2D": ({"filters": 2, "kernel_size": 3}, (5, 5, 3)),
    "Convolution3D": ({"filters": 2, "kernel_size": 2}, (3, 3, 3, 2)),
    "AtrousConvolution2D": ({"filters": 2, "kernel_size": 2, "dilation_rate": 2}, (5, 5, 3)),
    "Conv1DTranspose": ({"filters": 2, "kernel_size": 3, "strides": 2}, (4, 3)),
    "Conv2DTranspose": ({"filters": 2, "kernel_size": 3, "strides": 2}, (4, 4, 3)),
    "Conv3DTranspose": ({"filters": 2, "kernel_size": 2, "strides": 2}, (2, 2, 2, 2)),
    "SeparableConv1D": ({"filters": 2, "kernel_size": 3}, (8, 3)),
    "SeparableConv2D": ({"filters": 2, "kernel_size": 3}, (6, 6, 3)),
    "DepthwiseConv1D": ({"kernel_size": 3}, (8, 3)),
    "DepthwiseConv2D": ({"kernel_size": 3}, (6, 6, 3)),
    "MaxPooling1D": ({}, (8, 3)),
    "MaxPooling2D": ({}, (6, 6, 2)),
    "MaxPooling3D": ({}, (4, 4, 4, 2)),
    "AveragePooling1D": ({}, (8, 3)),
    "AveragePooling2D": ({"padding": "same"}, (5, 5, 2)),
    "AveragePooling3D": ({}, (4, 4, 4, 2)),
    "GlobalMaxPooling1D": ({}, (8, 3)),
    "GlobalMaxPooling2D": ({}, (5, 5, 2)),
    "GlobalMaxPooling3D": ({}, (3, 3, 3, 2)),
    "GlobalAveragePooling1D": ({}, (8, 3)),
    "GlobalAveragePooling2D": ({"keepdims": True}, (5, 5, 2)),
    "GlobalAveragePooling3D": ({}, (3, 3, 3, 2)),
    "UpSampling1D": ({"size": 2}, (4, 3)),
    "UpSampling2D": ({}, (3, 3, 2)),
    "UpSampling3D": ({}, (2, 2, 2, 2)),
    "ZeroPadding1D": ({"padding": 1}, (4, 3)),
    "ZeroPadding2D": ({"padding": 1}, (3, 3, 2)),
    "ZeroPadding3D": ({}, (2, 2, 2, 2)),
    "Cropping1D": ({"cropping": 1}, (5, 3)),
    "Cropping2D": ({"cropping": 1}, (5, 5, 2)),
    "Cropping3D": ({"cropping": 1}, (4, 4, 4, 2)),
    "BatchNormalization": ({}, (4,)),
    "LayerNormalization": ({}, (4,)),
    "GroupNormalization": ({"groups": 2}, (3, 4)),
    "UnitNormalization": ({}, (4,)),
    "Normalization": ({"mean": 0.5, "variance": 2.0}, (4,)),
    "Rescaling": ({"scale": 0.5, "offset": 1.0}, (4,)),
    "Resizing": ({"height": 4, "width": 4}, (2, 2, 3)),
    "CenterCrop": ({"height": 2, "width": 2}, (4, 4, 3)),
    "Embedding": ({"input_dim": 10, "output_dim": 3}, ("int", 10, (5,))),
    "Masking": ({}, (5, 3)),
    "SimpleRNN": ({"units": 3}, (5, 2)),
    "LSTM": ({"units": 3, "return_sequences": True}, (5, 2)),
    "GRU": ({"units": 3}, (5, 2)),
    "RNN": (lambda: {"cell": layers.LSTMCell(3)}, (5, 2)),
    "Bidirectional": (lambda: {"layer": layers.LSTM(3)}, (5, 2)),
    "TimeDistributed": (lambda: {"layer": layers.Dense(2)}, (4, 3)),
    "ConvLSTM2D": ({"filters": 2, "kernel_size": 3}, (3, 5, 5, 1)),
    "Add": ({}, [(4,), (4,)]),
    "Subtract": ({}, [(4,), (4,)]),
    "Multiply": ({}, [(4,), (4,)]),
    "Average": ({}, [(4,), (4,)]),
    "Maximum": ({}, [(4,), (4,)]),
    "Minimum": ({}, [(4,), (4,)]),
    "Concatenate": ({"axis": -1}, [(4,), (3,)]),
    "Dot": ({"axes": 1}, [(4,), (4,)]),
    "RepeatVector": ({"n": 3}, (4,)),
    "Permute": ({"dims": (2, 1)}, (3, 4)),
    "SpatialDropout1D": ({"rate": 0.5}, (4, 3)),
    "SpatialDropout2D": ({"rate": 0.5}, (3, 3, 2)),
    "SpatialDropout3D": ({"rate": 0.5}, (2, 2, 2, 2)),
    "GaussianNoise": ({"stddev": 0.1}, (4,)),
    "GaussianDropout": ({"rate": 0.1}, (4,)),
    "AlphaDropout": ({"rate": 0.1}, (4,)),
    "ActivityRegularization": ({"l1": 0.01}, (4,)),
    "LeakyReLU": ({}, (4,)),
    "PReLU": ({}, (4,)),
    "ELU": ({}, (4,)),
    "ReLU": ({"max_value": 1.0}, (4,)),
    "Softmax": ({}, (4,)),
    "ThresholdedReLU": ({"theta": 0.5}, (4,)),
    "Identity": ({}, (4,)),
    "Lambda": (lambda: {"function": minikeras.ops.square}, (4,)),
    "EinsumDense": (
        {"equation": "abc,cd->abd", "output_shape": (None, 3), "bias_axes": "d"},
        (5, 4),
    ),
    "Attention": ({"use_scale": True}, [(3, 4), (5, 4)]),
    "AdditiveAttention": ({}, [(3, 4), (5, 4)]),
    "CategoryEncoding": ({"num_tokens": 6, "output_mode": "count"}, ("int", 6, (3,))),
    "Discretization": ({"bin_boundaries": [-0.5, 0.0, 0.5]}, (4,)),
    "Hashing": ({"num_bins": 5}, ("int", 100, (3,))),
    "IntegerLookup": ({"vocabulary": [1, 2, 3]}, ("int", 6, (3,))),
    "HashedCrossing": ({"num_bins": 7}, [("int", 9, (1,)), ("int", 9, (1,))]),
    "RandomFlip": ({"seed": 1}, (5, 6, 3)),
    "RandomRotation": ({"factor": 0.2, "seed": 1}, (5, 6, 3)),
    "RandomZoom": ({"height_factor": 0.2, "seed": 1}, (5, 6, 3)),
    "RandomTranslation": ({"height_factor": 0.2, "width_factor": 0.1}, (5, 6, 3)),
    "RandomShear": ({"x_factor": 0.2, "seed": 1}, (5, 6, 3)),
    "RandomContrast": ({"factor": 0.3, "seed": 1}, (5, 6, 3)),
    "RandomBrightness": ({"factor": 0.3, "seed": 1}, (5, 6, 3)),
    "RandomGrayscale": ({"factor": 0.5, "seed": 1}, (5, 6, 3)),
    "Solarization": ({"threshold_factor": 0.5, "seed": 1}, (5, 6, 3)),
    "RandomCrop": ({"height": 3, "width": 4, "seed": 1}, (5, 6, 3)),
    "AutoContrast": ({}, (5, 6, 3)),
    "RandomHue": ({"factor": 0.3, "seed": 1}, (5, 6, 3)),
    "RandomSaturation": ({"factor": 0.4, "seed": 1}, (5, 6, 3)),
    "RandomColorJitter": ({"brightness_factor": 0.2, "hue_factor": 0.1, "seed": 1}, (5, 6, 3)),
    "Equalization": ({"bins": 64}, (5, 6, 3)),
    "RandomInvert": ({"factor": 0.5, "seed": 1}, (5, 6, 3)),
    "RandomPosterization": ({"factor": 4, "seed": 1}, (5, 6, 3)),
    "MixUp": ({"alpha": 0.3, "seed": 1}, (5, 6, 3)),
    "CutMix": ({"seed": 1}, (5, 6, 3)),
    "RandomErasing": ({"seed": 1}, (5, 6, 3)),
    "RandomColorDegeneration": ({"factor": 0.5, "seed": 1}, (5, 6, 3)),
    "RandomSharpness": ({"factor": 0.5, "seed": 1}, (5, 6, 3)),
    "RandomPerspective": ({"scale": 0.5, "seed": 1}, (5, 6, 3)),
    "RandAugment": ({"num_ops": 2, "seed": 1}, (5, 6, 3)),
    "RandomGaussianBlur": ({"kernel_size": 3, "seed": 1}, (5, 6, 3)),
    "AugMix": ({"num_chains": 2, "seed": 1}, (5, 6, 3)),
    "RandomElasticTransform": ({"scale": 0.5, "seed": 1}, (5, 6, 3)),
    "Pipeline": (
        lambda: {"layers": [layers.RandomFlip(seed=1), layers.RandomCrop(3, 4)]},
        (5, 6, 3),
    ),
}

# Classes that are not called on plain tensors, with the reason.
NOT_CALLED_DIRECTLY = {
    "Layer": "abstract base class",
    "InputLayer": "creates the graph input; has no call on data",
    "SimpleRNNCell": "cells take (inputs, states); exercised through RNN",
    "LSTMCell": "cells take (inputs, states); exercised through RNN",
    "GRUCell": "cells take (inputs, states); exercised through RNN",
    "ConvLSTM2DCell": "cells take (inputs, states); exercised through ConvLSTM2D",
    "StackedRNNCells": "cells take (inputs, states); exercised through RNN",
    "Wrapper": "abstract base class of Bidirectional/TimeDistributed",
    "MultiHeadAttention": "called as layer(query, value): tests/test_attention_*.py",
    "GroupedQueryAttention": "called as layer(query, value): tests/test_attention_*.py",
    "StringLookup": "string inputs: tests/test_text_preprocessing_parity.py",
    "TextVectorization": "string inputs: tests/test_text_preprocessing_parity.py",
    "RandomHeight": "output height is drawn at random: tests/test_image_augmentation.py",
    "RandomWidth": "output width is drawn at random: tests/test_image_augmentation.py",
}


def _exported_layer_classes() -> dict[str, type]:
    found: dict[type, str] = {}
    for name in sorted(dir(layers)):
        obj = getattr(layers, name)
        if inspect.isclass(obj) and issubclass(obj, layers.Layer):
            # keep the Keras 3 class name (aliases such as Convolution2D map to the same class)
            if obj not in found or name == obj.__name__:
                found[obj] = name
    return {name: cls for cls, name in found.items()}


def test_every_exported_layer_has_a_case():
    missing = [
        n for n in _exported_layer_classes() if n not in CASES and n not in NOT_CALLED_DIRECTLY
    ]
    assert not missing, f"add property-test cases for: {missing}"


def _inputs(spec, batch, rng):
    if isinstance(spec, list):
        return [_inputs(s, batch, rng) for s in spec]
    if spec and spec[0] == "int":
        return rng.integers(0, spec[1], size=(batch, *spec[2]))
    return rng.normal(size=(batch, *spec)).astype("float32")


def _shape_of(spec, batch):
    if isinstance(spec, list):
        return [_shape_of(s, batch) for s in spec]
    return (batch, *(spec[2] if spec[0] == "int" else spec))


def _make(name):
    kwargs, spec = CASES[name]
    kwargs = kwargs() if callable(kwargs) else dict(kwargs)
    return getattr(layers, name)(**kwargs), spec


def _shapes(out):
    if isinstance(out, (list, tuple)) and out and not isinstance(out[0], int):
        return [tuple(np.shape(o)) for o in out]
    return tuple(np.shape(out))


def _normalize(shape):
    if isinstance(shape, list) or (
        isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
    ):
        return [tuple(s) for s in shape]
    return tuple(shape)


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(batch=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_output_shape_equals_compute_output_shape(name, batch, seed):
    layer, spec = _make(name)
    out = layer(_inputs(spec, batch, np.random.default_rng(seed)))
    assert _shapes(
        minikeras.ops.convert_to_numpy(out) if not isinstance(out, list) else out
    ) == _normalize(layer.compute_output_shape(_shape_of(spec, batch)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trip_gives_same_config_and_outputs(name):
    layer, spec = _make(name)
    x = _inputs(spec, 3, np.random.default_rng(0))
    expected = layer(x, training=False)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    clone(x, training=False)  # built like the original (nested configs carry build_config)
    assert clone.get_config() == config
    clone.set_weights(layer.get_weights())
    got = clone(x, training=False)
    for e, g in zip(np.atleast_1d(_as_list(expected)), np.atleast_1d(_as_list(got))):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6, atol=1e-6)


def _as_list(out):
    return (
        [minikeras.ops.convert_to_numpy(o) for o in out]
        if isinstance(out, (list, tuple))
        else [minikeras.ops.convert_to_numpy(out)]
    )
