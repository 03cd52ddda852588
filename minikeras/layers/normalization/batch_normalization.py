"""`BatchNormalization`: normalizes with batch statistics in training, moving ones otherwise."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras import constraints, initializers, ops, regularizers
from minikeras.layers.layer import Layer
from minikeras.layers.spatial_args import check_axis_value, check_ndim
from minikeras.layers.weight_roles import add_role_weight, set_weight_role
from minikeras.legacy.arguments import renamed_argument
from minikeras.ops.normalization import fused_normalize

_KERAS2_IGNORED = ("fused", "trainable_weights")


class BatchNormalization(Layer):
    """Batch normalization layer.

    In training (`training=True` and the layer trainable) the output is
    normalized with the batch mean/variance (over every axis but `axis`), and
    the moving statistics are updated as
    `moving = moving * momentum + batch * (1 - momentum)`. Otherwise the
    moving statistics are used. Weights, in Keras order: `gamma`, `beta`
    (trainable), `moving_mean`, `moving_variance` (non-trainable).

    Args:
        axis: The feature axis (int; a one-element list from Keras 2 configs is accepted).
        momentum: Momentum of the moving averages.
        epsilon: Added to the variance.
        center: Whether to add the offset `beta`.
        scale: Whether to multiply by `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: Initializers.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: Optional.
        synchronized: Accepted for compatibility (single device: no effect).
        renorm: Only `False` is supported.
        renorm_clipping, renorm_momentum: Accepted for config compatibility.
        **kwargs: Base layer arguments; Keras 2 `fused`, `virtual_batch_size=None`,
            `adjustment=None` and Keras 1 `beta_init`, `gamma_init`, `mode=0` are accepted.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        **kwargs,
    ):
        name = "BatchNormalization"
        beta_initializer = renamed_argument(
            kwargs, "beta_init", "beta_initializer", beta_initializer, owner=name
        )
        gamma_initializer = renamed_argument(
            kwargs, "gamma_init", "gamma_initializer", gamma_initializer, owner=name
        )
        mode = kwargs.pop("mode", 0)
        if mode != 0:
            raise ValueError(
                f"Keras 1 BatchNormalization(mode={mode}) is not supported; only "
                "mode=0 (feature-wise normalization) exists in Keras 2+."
            )
        for key in _KERAS2_IGNORED:
            kwargs.pop(key, None)
        for key in ("virtual_batch_size", "adjustment"):
            if kwargs.pop(key, None) is not None:
                raise ValueError(
                    f"BatchNormalization: `{key}` is not supported (Keras 3 "
                    "removed it). Remove the argument."
                )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError(
                    f"BatchNormalization supports a single feature axis. Received: axis={axis}"
                )
            axis = axis[0]
        self.axis = int(axis)
        if renorm:
            raise NotImplementedError("BatchNormalization(renorm=True) is not supported.")
        if synchronized:
            warnings.warn("`synchronized=True` has no effect on a single device.", stacklevel=2)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_role(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_role(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.synchronized = bool(synchronized)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.supports_masking = True

    def _feature_axis(self, ndim: int) -> int:
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Invalid axis for layer '{self.name}': axis={self.axis}, but the inputs have "
                f"rank {ndim}."
            )
        return self.axis % ndim

    def build(self, input_shape):
        self._built_ndim = len(input_shape)  # Keras's InputSpec(ndim=...) from here on
        dim = input_shape[self._feature_axis(len(input_shape))]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {tuple(input_shape)}."
            )
        shape = (dim,)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = add_role_weight(self, "gamma", shape)
        if self.center:
            self.beta = add_role_weight(self, "beta", shape)
        self.moving_mean = self.add_weight(
            shape=shape,
            name="moving_mean",
            initializer=self.moving_mean_initializer,
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            name="moving_variance",
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        self.built = True

    def call(self, inputs, training=None):
        shape = ops.shape(inputs)
        ndim = len(shape)
        built_ndim = getattr(self, "_built_ndim", None)
        if built_ndim is not None and ndim != built_ndim:
            check_ndim(self, shape, built_ndim)
        axis = self._feature_axis(ndim)
        check_axis_value(self, shape, axis, self.moving_mean.shape[0], self.axis)
        if training and self.trainable:
            shape = [1] * ndim
            shape[axis] = -1
            gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
            beta = None if self.beta is None else ops.reshape(self.beta, shape)
            reduce = tuple(i for i in range(ndim) if i != axis)
            out, mean, var = fused_normalize(inputs, reduce, gamma, beta, self.epsilon)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.value * m + np.ravel(mean) * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.value * m + np.ravel(var) * (1.0 - m))
            return out
        return ops.batch_normalization(
            inputs,
            self.moving_mean,
            self.moving_variance,
            axis,
            self.beta,
            self.gamma,
            self.epsilon,
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return cfg
