"""Advanced activation layers: LeakyReLU, PReLU, ELU, ReLU, Softmax, ThresholdedReLU."""

from __future__ import annotations

import numpy as np

from minikeras import activations, constraints, initializers, ops, regularizers
from minikeras.backend.autodiff import value_of
from minikeras.layers.layer import Layer


class _Elementwise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


class LeakyReLU(_Elementwise):
    """Leaky ReLU: `x` if `x >= 0` else `negative_slope * x`.

    Args:
        negative_slope: Slope for negative inputs (default 0.3). Keras 2's
            `alpha` is accepted with a DeprecationWarning.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        from minikeras.legacy.arguments import renamed_argument

        negative_slope = renamed_argument(
            kwargs, "alpha", "negative_slope", negative_slope, default=0.3, owner="LeakyReLU"
        )
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or "
                f"negative. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["negative_slope"] = self.negative_slope
        return cfg


class PReLU(Layer):
    """Parametric ReLU: `x` if `x >= 0` else `alpha * x` with a learned `alpha`.

    Args:
        alpha_initializer: Initializer of `alpha` (default zeros).
        alpha_regularizer, alpha_constraint: Optional regularizer / constraint.
        shared_axes: Axes (1-indexed, batch excluded) along which `alpha` is
            shared, e.g. `[1, 2]` for one alpha per channel of images.
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)
        self.supports_masking = True

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for ax in self.shared_axes or []:
            param_shape[ax - 1] = 1
        self.alpha = self.add_weight(
            shape=param_shape,
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        self.built = True

    def call(self, inputs):
        pos = ops.relu(inputs)
        neg = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(pos, neg)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return cfg


class ELU(_Elementwise):
    """Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`.

    Args:
        alpha: Scale of the negative part (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["alpha"] = self.alpha
        return cfg


class ReLU(_Elementwise):
    """Rectified linear unit with an optional cap, slope and threshold.

    `max_value` if `x >= max_value`; `x` if `threshold <= x < max_value`;
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: Optional cap (>= 0).
        negative_slope: Slope below the threshold (>= 0, default 0).
        threshold: Threshold below which values are damped (default 0).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, val in (
            ("max_value", max_value),
            ("negative_slope", negative_slope),
            ("threshold", threshold),
        ):
            if val is not None and val < 0:
                raise ValueError(
                    f"`{arg}` of a ReLU layer cannot be a negative value. Received: {arg}={val}"
                )
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return cfg


class Softmax(_Elementwise):
    """Softmax along `axis`; masked positions (mask False) get probability 0.

    Args:
        axis: Integer or list of integers, the normalization axis (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        m = None
        if mask is not None:
            m = np.asarray(value_of(mask))
            m = m if m.dtype == bool else m > 0.5
            if m.ndim > len(ops.shape(inputs)):
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs` and must not have more "
                    f"dimensions. Received: inputs.shape={ops.shape(inputs)}, "
                    f"mask.shape={m.shape}"
                )
            # Masked positions are set to -1e9 (as in Keras), not merely offset.
            inputs = ops.where(m, inputs, np.asarray(-1e9, dtype=ops.dtype(inputs)))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            lse = ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True)
            out = ops.exp(ops.subtract(inputs, lse))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            out = ops.softmax(inputs, axis=axis)
        if m is not None:  # zero masked positions even when a whole axis is masked
            out = ops.where(m, out, np.asarray(0.0, dtype=ops.dtype(inputs)))
        return out

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


class ThresholdedReLU(_Elementwise):
    """`x` if `x > theta` else 0 (Keras 2 layer).

    Args:
        theta: Threshold location (>= 0, default 1.0).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None or theta < 0:
            raise ValueError(f"`theta` of ThresholdedReLU must be >= 0. Received: {theta}")
        self.theta = float(theta)

    def call(self, inputs):
        keep = (np.asarray(value_of(inputs)) > self.theta).astype(ops.dtype(inputs))
        return ops.multiply(inputs, keep)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["theta"] = self.theta
        return cfg
