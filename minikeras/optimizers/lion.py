"""`Lion`: EvoLved Sign Momentum (Chen et al., 2023)."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Lion(Optimizer):
    """Lion: `w -= lr * sign(b1 * m + (1 - b1) * g)`; `m = b2 * m + (1 - b2) * g`.

    Args:
        learning_rate: Default 0.001.
        beta_1: Interpolation factor for the update direction (0.9).
        beta_2: Decay of the momentum (0.99).
        name: Optimizer name (default `"lion"`).
        **kwargs: Base optimizer arguments.

    Raises:
        ValueError: if `beta_1` is not in (0, 1].
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                f"Argument for `beta_1` must be in range (0, 1]. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    @records
    def update_step(self, gradient, variable, learning_rate):
        # What reads only the gradient is computed now; what reads or writes the
        # variable or its slot is recorded (see `UpdateProgram`).
        dt = variable.dtype.type
        b1, b2 = dt(self.beta_1), dt(self.beta_2)
        record = self._recorder()
        w = variable.value
        m = self._momentums[self._index(variable)].value
        step = np.empty_like(m)  # w -= lr * sign(m * b1 + g * (1 - b1))
        record((np.multiply, m, b1, step))
        record((np.add, step, np.multiply(gradient, dt(1) - b1), step))
        record((np.sign, step, step))
        record((np.multiply, dt(learning_rate), step, step))
        record((np.subtract, w, step, w))
        record((np.multiply, m, b2, m))  # m = m * b2 + g * (1 - b2)
        record((np.add, m, np.multiply(gradient, dt(1) - b2), m))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return cfg
