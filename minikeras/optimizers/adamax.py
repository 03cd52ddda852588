"""`Adamax`: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from functools import partial

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Adamax(Optimizer):
    """Adamax: `m += (g - m)(1 - b1)`; `u = max(b2 * u, |g|)`;
    `w -= lr * m / ((1 - b1**t) * (u + epsilon))`.

    Args:
        learning_rate: Default 0.001.
        beta_1: Decay of the first moment (0.9).
        beta_2: Decay of the infinity norm (0.999).
        epsilon: Small constant (1e-7).
        name: Optimizer name (default `"adamax"`).
        **kwargs: Base optimizer arguments.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2: None = K.epsilon()

    def build(self, var_list):
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    @records
    def update_step(self, gradient, variable, learning_rate):
        # What reads only the gradient is computed now; what reads or writes the
        # variable or its slots is recorded (see `UpdateProgram`).
        dt = variable.dtype.type
        i = self._index(variable)
        record = self._recorder()
        step = dt(self._step_count() + 1)
        b1p = np.power(dt(self.beta_1), step)
        w, m, u = variable.value, self._m[i].value, self._u[i].value
        a, b = np.empty_like(m), np.empty_like(m)
        record((np.subtract, gradient, m, a))  # m += (g - m) * (1 - beta_1)
        record((np.multiply, a, dt(1 - self.beta_1), a))
        record((np.add, m, a, m))
        record((np.multiply, dt(self.beta_2), u, a))  # u = max(beta_2 * u, |g|)
        record((partial(np.maximum, out=u), a, np.abs(gradient)))
        record((np.multiply, dt(learning_rate), m, a))  # w -= lr * m / ((1 - b1p) * (u + eps))
        record((np.add, u, dt(self.epsilon), b))
        record((np.multiply, dt(1) - b1p, b, b))
        record((np.divide, a, b, a))
        record((np.subtract, w, a, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return cfg
