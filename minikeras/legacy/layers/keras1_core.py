"""Keras 1 core layers that Keras 2 dropped: `Highway` and `MaxoutDense`.

Both exist so that Keras 1 files holding them load and predict; their weights
keep Keras 1's shapes and order (`W`, `W_carry`, `b`, `b_carry`; `W`, `b`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minikeras import activations, initializers, ops
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import check_ndim
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role


def _last_dim(layer, input_shape) -> int:
    check_ndim(layer, input_shape, 2)
    dim = input_shape[-1]
    if dim is None:
        raise ValueError(
            f"The last dimension of the inputs to {type(layer).__name__} '{layer.name}' should "
            f"be defined. Found None. Full input shape received: {tuple(input_shape)}"
        )
    return int(dim)


class Highway(Layer):
    """Keras 1's densely connected highway layer (Srivastava et al., 2015).

    `t = sigmoid(x @ W_carry + b_carry)`, output `t * activation(x @ W + b) + (1 - t) * x`.

    Args:
        activation: Activation of the transformed input (default linear).
        transform_bias: Initial value of `b_carry` (default -2: mostly carry at first).
        use_bias: Whether `b` and `b_carry` exist.
        kernel_initializer: Initializer of `W` and `W_carry`.
        kernel_regularizer, bias_regularizer: Regularizers of `W` and `b`.
        activity_regularizer: Regularizer of the output.
        kernel_constraint, bias_constraint: Constraints of `W` and `b`.
        **kwargs: Base layer arguments.
    """

    def __init__(
        self,
        activation: str | Callable | None = None,
        transform_bias: float = -2.0,
        use_bias: bool = True,
        kernel_initializer: str | dict | Callable = "glorot_uniform",
        kernel_regularizer: str | dict | Callable | None = None,
        bias_regularizer: str | dict | Callable | None = None,
        activity_regularizer: str | dict | Callable | None = None,
        kernel_constraint: str | dict | Callable | None = None,
        bias_constraint: str | dict | Callable | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.activation = activations.get(activation)
        self.transform_bias = float(transform_bias)
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", "zeros", bias_regularizer, bias_constraint)

    def build(self, input_shape):
        dim = _last_dim(self, input_shape)
        self.kernel = add_role_weight(self, "kernel", (dim, dim), name="W")
        self.carry_kernel = self.add_weight(
            shape=(dim, dim), initializer=self.kernel_initializer, name="W_carry"
        )
        self.bias = self.carry_bias = None
        if self.use_bias:
            self.bias = add_role_weight(self, "bias", (dim,), name="b")
            self.carry_bias = self.add_weight(
                shape=(dim,), initializer=initializers.Constant(self.transform_bias), name="b_carry"
            )
        self.built = True

    def call(self, inputs):
        transform = ops.sigmoid(ops.dense(inputs, self.carry_kernel, self.carry_bias))
        value = ops.dense(inputs, self.kernel, self.bias, self.activation)
        return transform * value + (1.0 - transform) * inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        roles = role_config(self, ("kernel", "bias"))
        del roles["bias_initializer"]
        cfg.update(
            {
                "activation": activations.serialize(self.activation),
                "transform_bias": self.transform_bias,
                "use_bias": self.use_bias,
                **roles,
            }
        )
        return cfg


class MaxoutDense(Layer):
    """Keras 1's maxout layer: the largest of `nb_feature` dense projections.

    Output `max_k(x @ W[k] + b[k])` with `W` of shape `(nb_feature, input_dim, units)`.

    Args:
        units: Output dimension.
        nb_feature: Number of projections the maximum is taken over.
        use_bias: Whether `b` (shape `(nb_feature, units)`) exists.
        kernel_initializer, bias_initializer: Initializers of `W` and `b`.
        kernel_regularizer, bias_regularizer, activity_regularizer: Regularizers.
        kernel_constraint, bias_constraint: Constraints of `W` and `b`.
        **kwargs: Base layer arguments.
    """

    def __init__(
        self,
        units: int,
        nb_feature: int = 4,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("units", units), ("nb_feature", nb_feature)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"Received an invalid value for `{arg}`, expected a positive integer. "
                    f"Received: {arg}={value}"
                )
        self.units = units
        self.nb_feature = nb_feature
        self.use_bias = bool(use_bias)
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape):
        dim = _last_dim(self, input_shape)
        self.kernel = add_role_weight(self, "kernel", (self.nb_feature, dim, self.units), name="W")
        self.bias = None
        if self.use_bias:
            self.bias = add_role_weight(self, "bias", (self.nb_feature, self.units), name="b")
        self.built = True

    def call(self, inputs):
        projections = ops.einsum("bi,kio->bko", inputs, self.kernel)
        if self.bias is not None:
            projections = projections + self.bias
        return ops.max(projections, axis=1)

    def compute_output_shape(self, input_shape):
        return (tuple(input_shape)[0], self.units)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "units": self.units,
                "nb_feature": self.nb_feature,
                "use_bias": self.use_bias,
                **role_config(self, ("kernel", "bias")),
            }
        )
        return cfg
