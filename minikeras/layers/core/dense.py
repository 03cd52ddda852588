"""`Dense`: the densely-connected layer `activation(inputs @ kernel + bias)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minikeras import activations, ops
from minikeras.backend.autodiff import Tensor
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import check_axis_value, check_min_ndim
from minikeras.layers.weight_roles import (
    add_bias_weight,
    add_role_weight,
    role_config,
    set_weight_role,
)
from minikeras.legacy.arguments import renamed_argument


class Dense(Layer):
    """Just your regular densely-connected NN layer.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function or name (default linear).
        use_bias: Whether to add a bias vector.
        kernel_initializer: Initializer for the kernel (default `glorot_uniform`).
        bias_initializer: Initializer for the bias (default `zeros`).
        kernel_regularizer, bias_regularizer, activity_regularizer: Optional regularizers.
        kernel_constraint, bias_constraint: Optional constraints.
        **kwargs: Base layer arguments (`name`, `input_dim`, `input_shape`, ...).

    Example:
        >>> model = Sequential([Dense(10, input_dim=2), Activation("tanh"), Dense(1)])
    """

    def __init__(
        self,
        units: int | None = None,
        activation: str | Callable | None = None,
        use_bias: bool = True,
        kernel_initializer: str | dict | Callable = "glorot_uniform",
        bias_initializer: str | dict | Callable = "zeros",
        kernel_regularizer: str | dict | Callable | None = None,
        bias_regularizer: str | dict | Callable | None = None,
        activity_regularizer: str | dict | Callable | None = None,
        kernel_constraint: str | dict | Callable | None = None,
        bias_constraint: str | dict | Callable | None = None,
        **kwargs: Any,
    ) -> None:
        units = renamed_argument(kwargs, "output_dim", "units", units, default=None, owner="Dense")
        kernel_initializer = renamed_argument(
            kwargs,
            "init",
            "kernel_initializer",
            kernel_initializer,
            default="glorot_uniform",
            owner="Dense",
        )
        kwargs.pop("lora_rank", None)
        kwargs.pop("lora_alpha", None)
        kwargs.pop("quantization_config", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            try:
                ok = units is not None and int(units) == units and int(units) > 0
            except (TypeError, ValueError, OverflowError):
                ok = False
            if not ok:
                raise ValueError(
                    "Received an invalid value for `units`, expected a positive integer. "
                    f"Received: units={units}"
                )
            units = int(units)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 2:
            check_min_ndim(self, input_shape, 2)
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to a Dense layer should be defined. "
                f"Found None. Full input shape received: {input_shape}"
            )
        self.kernel = add_role_weight(self, "kernel", (input_dim, self.units))
        add_bias_weight(self, self.units)
        self.input_dim = input_dim
        self.built = True

    def call(self, inputs):
        shape = inputs.shape if isinstance(inputs, (np.ndarray, Tensor)) else ops.shape(inputs)
        if shape[-1] != self.kernel.shape[0]:
            check_axis_value(self, ops.shape(inputs), -1, self.kernel.shape[0])
        return ops.dense(inputs, self.kernel, self.bias, self.activation)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **role_config(self, ("kernel", "bias")),
            }
        )
        return cfg
