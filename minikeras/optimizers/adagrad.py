"""`Adagrad`: per-parameter learning rates from the sum of squared gradients."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Adagrad(Optimizer):
    """Adagrad: `acc += g**2`; `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: Default 0.001.
        initial_accumulator_value: Starting value of the accumulators (0.1).
        epsilon: Small constant for numerical stability (1e-7).
        name: Optimizer name (default `"adagrad"`).
        **kwargs: Base optimizer arguments.
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
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
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2: None = K.epsilon()

    def build(self, var_list):
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    @records
    def update_step(self, gradient, variable, learning_rate):
        # What reads only the gradient is computed now; what reads or writes the
        # variable or its slots is recorded (see `UpdateProgram`).
        dt = variable.dtype.type
        record = self._recorder()
        w = variable.value
        acc = self._accumulators[self._index(variable)].value
        record((np.add, acc, np.square(gradient), acc))  # acc += g**2
        step = np.multiply(dt(learning_rate), gradient)  # w -= lr * g / sqrt(acc + eps)
        root = np.empty_like(acc)
        record((np.add, acc, dt(self.epsilon), root))
        record((np.sqrt, root, root))
        record((np.divide, step, root, step))
        record((np.subtract, w, step, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return cfg
