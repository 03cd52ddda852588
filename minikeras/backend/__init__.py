"""minikeras backend: configuration, `Variable`, and the autodiff tape."""

from minikeras.backend.autodiff import GradientTape, Tensor, is_tensor, stop_gradient
from minikeras.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_random_seed,
    standardize_dtype,
)
from minikeras.backend.variable import Variable

__all__ = [
    "GradientTape",
    "Tensor",
    "Variable",
    "backend",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_tensor",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_seed",
    "standardize_dtype",
    "stop_gradient",
]
