"""`GroupNormalization`: normalizes groups of channels per sample."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role
from minikeras.ops.normalization import fused_normalize


class GroupNormalization(Layer):
    """Group normalization: channels are split into `groups`, each normalized per sample.

    `groups=1` is layer normalization over all non-batch axes; `groups=-1`
    (one channel per group) is instance normalization.

    Args:
        groups: Number of groups (must divide the channels); -1 for one per channel.
        axis: The channel axis.
        epsilon: Added to the variance.
        center, scale: Whether to use `beta` / `gamma` (shape `(channels,)`).
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: For the two weights.
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups < 1 and groups != -1):
            raise ValueError(
                "Received an invalid value for `groups`, expected a positive integer or -1 "
                f"(one group per channel). Received: groups={groups!r}"
            )
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_role(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_role(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if ndim < 2 or not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Invalid axis for layer '{self.name}': axis={self.axis}, input shape "
                f"{tuple(input_shape)}."
            )
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {tuple(input_shape)}."
            )
        if self.groups == -1:  # Keras records the resolved group count
            self.groups = channels
        groups = self.groups
        if groups > channels or channels % groups:
            raise ValueError(
                f"Number of groups ({self.groups}) must divide the number of channels "
                f"({channels}) and not exceed it. Input shape: {tuple(input_shape)}."
            )
        self._groups = groups
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = add_role_weight(self, "gamma", (channels,))
        if self.center:
            self.beta = add_role_weight(self, "beta", (channels,))
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        ndim = len(shape)
        axis = self.axis % ndim
        channels = shape[axis]
        grouped = (*shape[:axis], self._groups, channels // self._groups, *shape[axis + 1 :])
        x = ops.reshape(inputs, grouped)
        reduce = tuple(i for i in range(1, ndim + 1) if i != axis)
        normed, _, _ = fused_normalize(x, reduce, epsilon=self.epsilon)
        out = ops.reshape(normed, shape)
        bshape = [1] * ndim
        bshape[axis] = channels
        if self.gamma is not None:
            out = ops.multiply(out, ops.reshape(self.gamma, bshape))
        if self.beta is not None:
            out = ops.add(out, ops.reshape(self.beta, bshape))
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                **role_config(self, ("beta", "gamma"), activity_regularizer=False),
            }
        )
        return cfg
