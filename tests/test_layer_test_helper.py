"""`minikeras.testing.run_layer_test` on the core layers, and that it catches broken layers."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import layers, ops
from minikeras.testing import run_layer_test


def test_dense_passes_every_check():
    report = run_layer_test(
        layers.Dense,
        {"units": 4, "activation": "tanh"},
        input_shape=(3, 5),
        expected_output_shape=(3, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_num_losses=0,
        supports_masking=True,
    )
    assert report["output_shape"] == (3, 4)
    assert set(report["gradient_errors"]) == {"dense/kernel", "dense/bias", "input"}
    assert max(report["gradient_errors"].values()) < 1e-8


def test_dense_with_regularizer_counts_one_loss():
    run_layer_test(
        layers.Dense,
        {"units": 2, "kernel_regularizer": "l2"},
        input_shape=(2, 3),
        expected_output_shape=(2, 2),
        expected_num_losses=1,
    )


def test_dense_expected_output_is_compared():
    x = np.array([[1.0, 2.0]], dtype="float32")
    init = {"units": 1, "kernel_initializer": "ones", "bias_initializer": "zeros"}
    run_layer_test(layers.Dense, init, input_data=x, expected_output=np.array([[3.0]]))
    with pytest.raises(AssertionError, match="expected_output"):
        run_layer_test(layers.Dense, init, input_data=x, expected_output=np.array([[4.0]]))


def test_dropout_flatten_reshape_activation():
    run_layer_test(
        layers.Dropout,
        {"rate": 0.5},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_trainable_weights=0,
    )
    run_layer_test(layers.Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
    run_layer_test(
        layers.Reshape,
        {"target_shape": (6, 2)},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 6, 2),
    )
    report = run_layer_test(
        layers.Activation,
        {"activation": "sigmoid"},
        input_shape=(2, 5),
        expected_output_shape=(2, 5),
    )
    assert report["gradient_errors"]["input"] < 1e-8


def test_wrong_expectations_are_reported():
    with pytest.raises(AssertionError, match=r"expected output shape \(3, 5\), got \(3, 4\)"):
        run_layer_test(layers.Dense, {"units": 4}, input_shape=(3, 2), expected_output_shape=(3, 5))
    with pytest.raises(AssertionError, match="expected 1 trainable weights, found 2"):
        run_layer_test(
            layers.Dense, {"units": 4}, input_shape=(3, 2), expected_num_trainable_weights=1
        )


class _WrongGradient(layers.Layer):
    """x * w whose recorded gradient is deliberately twice the true one."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs):
        from minikeras.backend.autodiff import record, unwrap

        xv, xt = unwrap(inputs)
        wv, wt = unwrap(self.w)
        return record(xv * wv, (xt, lambda g: 2 * g * wv), (wt, lambda g: (g * xv).sum(0)))


def test_a_wrong_gradient_rule_is_caught():
    with pytest.raises(AssertionError, match="finite-difference gradients disagree.*input"):
        run_layer_test(
            _WrongGradient,
            {},
            input_shape=(2, 3),
            custom_objects={"_WrongGradient": _WrongGradient},
        )


class _BadConfig(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return ops.multiply(inputs, self.factor)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}  # no factor


def test_a_config_missing_an_argument_is_caught():
    with pytest.raises(AssertionError, match=r"get_config\(\) misses an argument"):
        run_layer_test(
            _BadConfig,
            {"factor": 3.0},
            input_shape=(2, 2),
            custom_objects={"_BadConfig": _BadConfig},
        )


def test_needs_a_shape_or_data():
    with pytest.raises(ValueError, match="input_shape"):
        run_layer_test(layers.Dense, {"units": 1})
