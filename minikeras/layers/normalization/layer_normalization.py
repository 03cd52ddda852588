"""`LayerNormalization`: normalizes each sample over its feature axes."""

from __future__ import annotations

import warnings

from minikeras import ops
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import check_axis_value
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role


class LayerNormalization(Layer):
    """Layer normalization: `(x - mean) / sqrt(var + epsilon) * gamma + beta` per sample.

    Args:
        axis: Int or list of ints, the axes normalized together (and the shape
            of `gamma`/`beta`).
        epsilon: Added to the variance.
        center: Whether to add `beta`.
        scale: Whether to multiply by `gamma`.
        rms_scaling: Deprecated Keras option: no centering, divide by `sqrt(var + eps)`.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: For the two weights.
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        rms_scaling=False,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = [int(axis)] if isinstance(axis, int) else [int(a) for a in axis]
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        if self.rms_scaling:
            warnings.warn(
                "`rms_scaling=True` is deprecated in Keras (it scales by the "
                "variance, not the root mean square).",
                UserWarning,
                stacklevel=2,
            )
        set_weight_role(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_role(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.supports_masking = True

    def _axes(self, ndim: int) -> list[int]:
        for a in self.axis:
            if not -ndim <= a < ndim:
                raise ValueError(
                    f"Invalid axis for layer '{self.name}': axis={self.axis}, but the inputs "
                    f"have rank {ndim}."
                )
        return sorted(a % ndim for a in self.axis)

    def build(self, input_shape):
        shape = tuple(input_shape[a] for a in self._axes(len(input_shape)))
        if any(d is None for d in shape):
            raise ValueError(
                f"The normalized axes {self.axis} of the inputs to layer '{self.name}' must be "
                f"defined. Received input shape {tuple(input_shape)}."
            )
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = add_role_weight(self, "gamma", shape)
        if self.center and not self.rms_scaling:
            self.beta = add_role_weight(self, "beta", shape)
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        axes = self._axes(len(shape))
        weights = self.gamma if self.gamma is not None else self.beta
        if weights is not None:
            for axis, size in zip(axes, weights.shape):
                check_axis_value(self, shape, axis, size)
        return ops.layer_normalization(
            inputs, self.gamma, self.beta, axes, self.epsilon, rms_scaling=self.rms_scaling
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "axis": list(self.axis),
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                **role_config(self, ("beta", "gamma"), activity_regularizer=False),
            }
        )
        return cfg
