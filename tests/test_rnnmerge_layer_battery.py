"""The standard layer battery (`run_layer_test`) on the recurrent, embedding and misc layers:
config round trips, shapes, float64 gradient checks, one training epoch and model
serialization (JSON + HDF5)."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import layers as L
from minikeras.saving.object_registration import register_keras_serializable
from minikeras.testing import run_layer_test


@register_keras_serializable(package="rnnmerge_battery")
def _cube(x):
    return x * x * x


CASES = [
    (L.SimpleRNN, {"units": 3, "return_sequences": True}, (2, 4, 3), (2, 4, 3), 3),
    (L.LSTM, {"units": 3}, (2, 4, 3), (2, 3), 3),
    (
        L.LSTM,
        {
            "units": 2,
            "go_backwards": True,
            "return_sequences": True,
            "recurrent_activation": "hard_sigmoid",
        },
        (2, 3, 2),
        (2, 3, 2),
        3,
    ),
    (L.GRU, {"units": 3, "return_sequences": True}, (2, 4, 3), (2, 4, 3), 3),
    (L.GRU, {"units": 2, "reset_after": False}, (2, 4, 3), (2, 2), 3),
    (
        L.ConvLSTM2D,
        {"filters": 2, "kernel_size": 2, "padding": "same"},
        (2, 2, 3, 3, 1),
        (2, 3, 3, 2),
        3,
    ),
    (L.Masking, {"mask_value": 0.0}, (2, 3, 4), (2, 3, 4), 0),
    (L.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4), 0),
    (L.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3), 0),
    (L.LeakyReLU, {"negative_slope": 0.2}, (2, 5), (2, 5), 0),
    (L.PReLU, {"shared_axes": [1]}, (2, 3, 4), (2, 3, 4), 1),
    (L.ELU, {"alpha": 0.5}, (2, 5), (2, 5), 0),
    (L.ReLU, {"max_value": 6.0}, (2, 5), (2, 5), 0),
    (L.Softmax, {"axis": -1}, (2, 5), (2, 5), 0),
    (L.Identity, {}, (2, 5), (2, 5), 0),
    (L.Lambda, {"function": _cube}, (2, 5), (2, 5), 0),
    (L.SpatialDropout1D, {"rate": 0.5}, (2, 3, 4), (2, 3, 4), 0),
    (L.GaussianNoise, {"stddev": 0.1}, (2, 5), (2, 5), 0),
    (L.GaussianDropout, {"rate": 0.2}, (2, 5), (2, 5), 0),
    (L.AlphaDropout, {"rate": 0.2}, (2, 5), (2, 5), 0),
]


@pytest.mark.parametrize(
    "cls,kwargs,in_shape,out_shape,n_weights",
    CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)],
)
def test_layer_battery(cls, kwargs, in_shape, out_shape, n_weights):
    run_layer_test(
        cls,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n_weights,
        run_training_check=n_weights > 0,
    )


def test_wrappers_battery():
    run_layer_test(
        L.Bidirectional,
        {"layer": L.LSTM(2, return_sequences=True), "merge_mode": "sum"},
        input_shape=(2, 3, 2),
        expected_output_shape=(2, 3, 2),
        expected_num_trainable_weights=6,
    )
    run_layer_test(
        L.TimeDistributed,
        {"layer": L.Dense(2)},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 2),
        expected_num_trainable_weights=2,
    )


def test_embedding_battery():
    run_layer_test(
        L.Embedding,
        {"input_dim": 10, "output_dim": 3, "mask_zero": True},
        input_data=np.array([[1, 2, 0], [4, 0, 0]], "int32"),
        expected_output_shape=(2, 3, 3),
        expected_num_trainable_weights=1,
        supports_masking=True,
        run_gradient_check=False,
    )


def test_activity_regularization_battery():
    run_layer_test(
        L.ActivityRegularization,
        {"l1": 0.1, "l2": 0.1},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_num_losses=1,
        run_training_check=False,
    )
