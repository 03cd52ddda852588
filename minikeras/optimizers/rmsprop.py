"""`RMSprop`: divides the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.flat_slots import scratch_pair
from minikeras.optimizers.update_program import records


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

    @records
    def update_step(self, gradient, variable, learning_rate):
        # In place, in the order of the formulas above (the same float rounding), each
        # call recorded (see `UpdateProgram`); `a` and `b` are scratch.
        dt = variable.dtype.type
        i = self._index(variable)
        rho, one_minus_rho = dt(self.rho), dt(1 - self.rho)
        record = self._recorder()
        a, b = scratch_pair(self, variable)
        w, v = variable.value, self._velocities[i].value
        record((np.multiply, v, rho, v))  # v = rho * v + (1 - rho) * g**2
        record((np.square, gradient, b))
        record((np.multiply, b, one_minus_rho, b))
        record((np.add, v, b, v))
        if self.centered:  # mean_g = rho * mean_g + (1 - rho) * g
            mean_g = self._average_gradients[i].value
            record((np.multiply, mean_g, rho, mean_g))
            record((np.multiply, gradient, one_minus_rho, a))
            record((np.add, mean_g, a, mean_g))
            record((np.square, mean_g, a))  # a = v - mean_g**2 + epsilon
            record((np.subtract, v, a, a))
            record((np.add, a, dt(self.epsilon), a))
        else:
            record((np.add, v, dt(self.epsilon), a))
        record((np.sqrt, a, a))
        record((np.multiply, dt(learning_rate), gradient, b))  # the increment lr * g / sqrt(a)
        record((np.divide, b, a, b))
        if self.momentum > 0:  # m = momentum * m + increment; w -= m
            m = self._momentums[i].value
            record((np.multiply, m, dt(self.momentum), m))
            record((np.add, m, b, m))
            b = m
        record((np.subtract, w, b, w))

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
