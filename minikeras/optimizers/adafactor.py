"""`Adafactor`: Adam-like updates with factored second moments (Shazeer & Stern, 2018)."""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.update_program import records


class Adafactor(Optimizer):
    """Adafactor with Keras 3's update rule.

    Variables of rank ≥ 2 keep a row (`r`) and a column (`c`) moment instead of a
    full second moment; rank < 2 variables keep a full one.

    Args:
        learning_rate: Default 0.001.
        beta_2_decay: Decay exponent of the second moment (−0.8).
        epsilon_1: Regularization constant for the squared gradient (1e-30).
        epsilon_2: Regularization constant for the parameter scale (1e-3).
        clip_threshold: Threshold of the root-mean-square of the final update (1.0).
        relative_step: Cap the learning rate at `1 / sqrt(step)` (True).
        name: Optimizer name (default `"adafactor"`).
        **kwargs: Base optimizer arguments.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            base = var.path.replace("/", "_")
            if len(var.shape) < 2:
                self._r.append(None)
                self._c.append(None)
            else:
                self._r.append(self.add_variable(var.shape[:-1], var.dtype, name=f"{base}_r"))
                self._c.append(
                    self.add_variable(
                        var.shape[:-2] + (var.shape[-1],), var.dtype, name=f"{base}_c"
                    )
                )
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    @staticmethod
    def _rms(x):
        return np.sqrt(np.mean(np.square(x)))

    @records
    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype.type
        i = self._index(variable)
        lr = dt(learning_rate)
        step = dt(self._step_count() + 1)
        if self._schedule is None and self.relative_step:
            lr = np.minimum(lr, dt(1) / np.sqrt(step))
        rho_t = np.minimum(lr, dt(1) / np.sqrt(step))
        alpha_t = np.maximum(dt(self.epsilon_2), self._rms(variable.value)) * rho_t
        reg_sq = np.square(gradient) + dt(self.epsilon_1)
        beta_2_t = dt(1) - np.power(step, dt(self.beta_2_decay))
        # The clipping needs the new second moments: they are computed aside, and the
        # writes are recorded (see `UpdateProgram`).
        record = self._recorder()
        v = self._v[i].value
        if len(variable.shape) >= 2:
            r = self._r[i].value
            c = self._c[i].value
            new_r = beta_2_t * r + (dt(1) - beta_2_t) * np.mean(reg_sq, axis=-1)
            new_c = beta_2_t * c + (dt(1) - beta_2_t) * np.mean(reg_sq, axis=-2)
            new_r = new_r.astype(r.dtype, copy=False)  # as `r[...] = ` stores them
            new_c = new_c.astype(c.dtype, copy=False)
            new_v = np.expand_dims(new_r / np.mean(new_r, axis=-1, keepdims=True), -1)
            new_v = new_v * np.expand_dims(new_c, -2)
            record((np.positive, new_r, r))
            record((np.positive, new_c, c))
        else:
            new_v = beta_2_t * v + (dt(1) - beta_2_t) * reg_sq
        new_v = new_v.astype(v.dtype, copy=False)
        record((np.positive, new_v, v))
        u_t = gradient / np.sqrt(new_v)
        u_t_hat = u_t / np.maximum(dt(1), self._rms(u_t) / dt(self.clip_threshold))
        w = variable.value
        record((np.subtract, w, alpha_t * u_t_hat, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return cfg
