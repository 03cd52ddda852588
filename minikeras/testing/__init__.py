"""Test helpers shipped with minikeras: gradient checks and layer tests."""

from minikeras.testing.gradient_check import gradient_check, numerical_gradient

__all__ = ["gradient_check", "numerical_gradient"]
