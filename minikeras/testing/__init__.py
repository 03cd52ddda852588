"""Test helpers shipped with minikeras: gradient checks and layer tests."""

from minikeras.testing.gradient_check import (
    gradient_check,
    layer_gradient_check,
    numerical_gradient,
)
from minikeras.testing.layer_test import run_layer_test

__all__ = ["gradient_check", "layer_gradient_check", "numerical_gradient", "run_layer_test"]
