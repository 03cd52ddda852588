"""`Adadelta`: adapts step sizes from moving windows of gradients and updates."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.flat_slots import scratch_pair
from minikeras.optimizers.update_program import records


class Adadelta(Optimizer):
    """Adadelta with Keras 3's update rule.

    `Eg = rho * Eg + (1 - rho) * g**2`;
    `dx = -sqrt(Edx + eps) / sqrt(Eg + eps) * g`;
    `Edx = rho * Edx + (1 - rho) * dx**2`; `w += lr * dx`.

    Note Keras 3's default learning rate is 0.001 (standalone Keras 2 used 1.0).

    Args:
        learning_rate: Default 0.001.
        rho: Decay rate (0.95).
        epsilon: Small constant for numerical stability (1e-7).
        name: Optimizer name (default `"adadelta"`).
        **kwargs: Base optimizer arguments.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-7,
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
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2: None = K.epsilon()

    def build(self, var_list):
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    @records
    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype.type
        i = self._index(variable)
        rho, eps = dt(self.rho), dt(self.epsilon)
        one_minus_rho = dt(1 - self.rho)
        record = self._recorder()
        w = variable.value
        acc_g = self._accumulated_grads[i].value
        acc_dx = self._accumulated_delta_vars[i].value
        # In place, in the order of the formulas (so the float rounding is theirs), each
        # call recorded (see `UpdateProgram`); `a` holds `-delta`: the sign cancels in
        # its square and turns `+=` into `-=`.
        a, b = scratch_pair(self, variable)
        record((np.multiply, acc_g, rho, acc_g))
        record((np.square, gradient, b))
        record((np.multiply, b, one_minus_rho, b))
        record((np.add, acc_g, b, acc_g))
        record((np.add, acc_dx, eps, a))
        record((np.sqrt, a, a))
        record((np.multiply, a, gradient, a))
        record((np.add, acc_g, eps, b))
        record((np.sqrt, b, b))
        record((np.divide, a, b, a))
        record((np.multiply, acc_dx, rho, acc_dx))
        record((np.square, a, b))
        record((np.multiply, b, one_minus_rho, b))
        record((np.add, acc_dx, b, acc_dx))
        record((np.multiply, a, dt(learning_rate), a))
        record((np.subtract, w, a, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"rho": self.rho, "epsilon": self.epsilon})
        return cfg
