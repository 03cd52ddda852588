"""`Ftrl`: Follow The Regularized Leader (McMahan et al.)."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Ftrl(Optimizer):
    """FTRL-proximal with optional L1/L2 and L2-shrinkage regularization.

    Args:
        learning_rate: Default 0.001.
        learning_rate_power: ≤ 0 (−0.5).
        initial_accumulator_value: ≥ 0 (0.1).
        l1_regularization_strength: ≥ 0.
        l2_regularization_strength: ≥ 0.
        l2_shrinkage_regularization_strength: ≥ 0 (magnitude penalty on the gradient).
        beta: ≥ 0 (0.0).
        name: Optimizer name (default `"ftrl"`).
        **kwargs: Base optimizer arguments.

    Raises:
        ValueError: for out-of-range arguments.
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
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
        checks = {
            "initial_accumulator_value": (initial_accumulator_value, 0, "`>= 0`"),
            "learning_rate_power": (learning_rate_power, None, "`<= 0`"),
            "l1_regularization_strength": (l1_regularization_strength, 0, "`>= 0`"),
            "l2_regularization_strength": (l2_regularization_strength, 0, "`>= 0`"),
            "l2_shrinkage_regularization_strength": (
                l2_shrinkage_regularization_strength,
                0,
                "`>= 0`",
            ),
        }
        for arg, (value, low, text) in checks.items():
            bad = value > 0 if low is None else value < low
            if bad:
                raise ValueError(f"`{arg}` needs to be {text}. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[float(self.initial_accumulator_value), "zeros"],
        )

    @records
    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype.type
        i = self._index(variable)
        lr = dt(learning_rate)
        accum = self._accumulators[i].value
        linear = self._linears[i].value
        p = dt(-self.learning_rate_power)
        l2 = dt(self.l2_regularization_strength) + dt(self.beta) / (dt(2) * lr)
        w = variable.value
        grad_to_use = gradient + dt(2 * self.l2_shrinkage_regularization_strength) * w
        # Computed aside from the old state; the writes are recorded (see `UpdateProgram`).
        new_accum = accum + np.square(gradient)
        new_linear = linear + (
            grad_to_use - ((np.power(new_accum, p) - np.power(accum, p)) / lr) * w
        )
        quadratic = np.power(new_accum, p) / lr + dt(2) * l2
        l1 = dt(self.l1_regularization_strength)
        new_w = (np.clip(new_linear, -l1, l1) - new_linear) / quadratic
        record = self._recorder()
        record((np.positive, new_linear, linear))
        record((np.positive, new_w, w))
        record((np.positive, new_accum, accum))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return cfg
