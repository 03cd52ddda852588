"""`Adam`: adaptive moment estimation."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba), with Keras 3's update rule and defaults.

    Args:
        learning_rate: Default 0.001.
        beta_1: Decay of the first-moment estimate (0.9).
        beta_2: Decay of the second-moment estimate (0.999).
        epsilon: Small constant (1e-7, Keras' default).
        amsgrad: Whether to use the AMSGrad variant.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2: None = K.epsilon()
        self.amsgrad = amsgrad

    def build(self, var_list):
        super().build(var_list)
        self._momentums = []
        self._velocities = []
        for v in var_list:
            self._momentums.append(self.add_variable_from_reference(v, "momentum"))
            self._velocities.append(self.add_variable_from_reference(v, "velocity"))
        self._velocity_hats = []
        if self.amsgrad:
            self._velocity_hats = [self.add_variable_from_reference(v, "velocity_hat")
                                   for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype
        i = self._index(variable)
        step = float(self._step_count() + 1)
        b1 = np.asarray(self.beta_1, dt)
        b2 = np.asarray(self.beta_2, dt)
        b1p = np.power(b1, np.asarray(step, dt))
        b2p = np.power(b2, np.asarray(step, dt))
        alpha = np.asarray(learning_rate, dt) * np.sqrt(1 - b2p) / (1 - b1p)
        m = self._momentums[i].value
        v = self._velocities[i].value
        m += (gradient - m) * dt.type(1 - self.beta_1)
        v += (np.square(gradient) - v) * dt.type(1 - self.beta_2)
        if self.amsgrad:
            vh = self._velocity_hats[i].value
            np.maximum(vh, v, out=vh)
            v = vh
        variable.value -= (m * alpha) / (np.sqrt(v) + np.asarray(self.epsilon, dt))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                    "amsgrad": self.amsgrad})
        return cfg
