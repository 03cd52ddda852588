"""`Lamb`: layer-wise adaptive moments (You et al., 2019)."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Lamb(Optimizer):
    """LAMB: an Adam direction rescaled per variable by `||w|| / ||update||`.

    Args:
        learning_rate: Default 0.001.
        beta_1: Decay of the first moment (0.9).
        beta_2: Decay of the second moment (0.999).
        epsilon: Small constant (1e-7).
        name: Optimizer name (default `"lamb"`).
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    @records
    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype.type
        i = self._index(variable)
        step = dt(self._step_count() + 1)
        b1p = np.power(dt(self.beta_1), step)
        b2p = np.power(dt(self.beta_2), step)
        m = self._momentums[i].value
        v = self._velocities[i].value
        # The trust ratio needs the new moments: they are computed aside, and the writes
        # are recorded (see `UpdateProgram`).
        new_m = m + (gradient - m) * dt(1 - self.beta_1)
        new_v = v + (np.square(gradient) - v) * dt(1 - self.beta_2)
        update = (new_m / (dt(1) - b1p)) / (np.sqrt(new_v / (dt(1) - b2p)) + dt(self.epsilon))
        w_norm = np.sqrt(np.sum(np.square(variable.value)))
        g_norm = np.sqrt(np.sum(np.square(update)))
        ratio = w_norm / g_norm if (w_norm > 0 and g_norm > 0) else dt(1)
        w, record = variable.value, self._recorder()
        record((np.positive, new_m, m))
        record((np.positive, new_v, v))
        record((np.subtract, w, dt(ratio) * dt(learning_rate) * update, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return cfg
