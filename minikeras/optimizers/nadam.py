"""`Nadam`: Adam with Nesterov momentum (Dozat's momentum schedule)."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend.variable import Variable
from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Nadam(Optimizer):
    """Nadam with Keras 3's update rule (momentum schedule `b1 * (1 - 0.5 * 0.96**t)`).

    The running product of the schedule is an extra optimizer variable (listed
    last in `variables`, as Keras 3 does).

    Args:
        learning_rate: Default 0.001.
        beta_1: Decay of the first moment (0.9).
        beta_2: Decay of the second moment (0.999).
        epsilon: Small constant (1e-7).
        name: Optimizer name (default `"nadam"`).
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
        if "schedule_decay" in kwargs:
            warnings.warn(
                "Nadam's Keras 2 `schedule_decay` argument is ignored: minikeras follows "
                "Keras 3, whose momentum schedule is `beta_1 * (1 - 0.5 * 0.96**t)`.",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs.pop("schedule_decay")
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
        dtype = var_list[0].dtype if var_list else np.float32
        self._u_product = Variable(
            np.array(1.0, dtype=dtype), trainable=False, name="variable", path="variable"
        )
        self._variables.append(self._u_product)

    def _before_update_steps(self) -> None:
        u = self._u_product.value
        dt = u.dtype.type
        step = dt(self._step_count() + 1)
        self._next_u_product = u * dt(self.beta_1) * (dt(1.0) - dt(0.5) * np.power(dt(0.96), step))
        # Written with the rest of the update (see `UpdateProgram`); read by `update_step`.
        self._recorder()((np.positive, np.asarray(self._next_u_product, u.dtype), u))

    @records
    def update_step(self, gradient, variable, learning_rate):
        # What reads only the gradient is computed now; what reads or writes the
        # variable or its slots is recorded (see `UpdateProgram`).
        dt = variable.dtype.type
        i = self._index(variable)
        record = self._recorder()
        step = dt(self._step_count() + 1)
        b1, b2, decay = dt(self.beta_1), dt(self.beta_2), dt(0.96)
        u_t = b1 * (dt(1) - dt(0.5) * np.power(decay, step))
        u_t_1 = b1 * (dt(1) - dt(0.5) * np.power(decay, step + dt(1)))
        u_product = self._u_product.value if self._pending is None else self._next_u_product
        u_product_t = dt(u_product)
        u_product_t_1 = u_product_t * u_t_1
        b2p = np.power(b2, step)
        w, m, v = variable.value, self._momentums[i].value, self._velocities[i].value
        a, b = np.empty_like(m), np.empty_like(m)
        record((np.subtract, gradient, m, a))  # m += (g - m) * (1 - b1)
        record((np.multiply, a, dt(1) - b1, a))
        record((np.add, m, a, m))
        record((np.subtract, np.square(gradient), v, a))  # v += (g**2 - v) * (1 - b2)
        record((np.multiply, a, dt(1) - b2, a))
        record((np.add, v, a, v))
        # m_hat = (u_t_1 * m) / (1 - u_product_t_1) + ((1 - u_t) * g) / (1 - u_product_t)
        record((np.multiply, u_t_1, m, a))
        record((np.divide, a, dt(1) - u_product_t_1, a))
        record((np.add, a, np.multiply(dt(1) - u_t, gradient) / (dt(1) - u_product_t), a))
        record((np.divide, v, dt(1) - b2p, b))  # v_hat
        record((np.multiply, a, dt(learning_rate), a))  # w -= m_hat * lr / (sqrt(v_hat) + eps)
        record((np.sqrt, b, b))
        record((np.add, b, dt(self.epsilon), b))
        record((np.divide, a, b, a))
        record((np.subtract, w, a, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return cfg
