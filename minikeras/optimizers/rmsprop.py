"""`RMSprop`: divides the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.flat_slots import scratch_pair


class RMSprop(Optimizer):
    """RMSprop with Keras 3's update rule.

    `v = rho * v + (1 - rho) * g**2`; `w -= lr * g / sqrt(v + epsilon)` (centered:
    the denominator is `sqrt(v - mean_g**2 + epsilon)`; with `momentum`, the
    increment is accumulated in a momentum slot first).

    Args:
        learning_rate: Default 0.001.
        rho: Discounting factor of the gradient history (0.9).
        momentum: Momentum (0.0).
        epsilon: Small constant for numerical stability (1e-7).
        centered: Normalize by the estimated variance of the gradient.
        name: Optimizer name (default `"rmsprop"`... Keras 3 spells it `"rm_sprop"`).
        **kwargs: Base optimizer arguments (`clipnorm`, `weight_decay`, legacy `lr`...).
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
            **kwargs,
        )
        self.rho = rho
        self.momentum = momentum
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2: None = K.epsilon()
        self.centered = centered

    def build(self, var_list):
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype.type
        i = self._index(variable)
        rho = dt(self.rho)
        lr = dt(learning_rate)
        v = self._velocities[i].value
        if not self.centered and self.momentum <= 0:
            # In place, in the order of the formulas below (the same float rounding).
            a, b = scratch_pair(self, variable)
            v *= rho
            np.square(gradient, out=b)
            b *= dt(1 - self.rho)
            v += b
            np.add(v, dt(self.epsilon), out=a)
            np.sqrt(a, out=a)
            np.multiply(lr, gradient, out=b)
            b /= a
            variable.value -= b
            return
        v[...] = rho * v + dt(1 - self.rho) * np.square(gradient)
        if self.centered:
            a = self._average_gradients[i].value
            a[...] = rho * a + dt(1 - self.rho) * gradient
            denominator = v - np.square(a) + dt(self.epsilon)
        else:
            denominator = v + dt(self.epsilon)
        increment = (lr * gradient) / np.sqrt(denominator)
        if self.momentum > 0:
            m = self._momentums[i].value
            m[...] = dt(self.momentum) * m + increment
            variable.value -= m
        else:
            variable.value -= increment

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return cfg
