"""`Adam`: adaptive moment estimation."""

from __future__ import annotations

from functools import partial

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.flat_slots import (
    MERGE_BELOW,
    FlatSlots,
    add_flat_slots,
    scratch_pair,
    usable_flat_slots,
)
from minikeras.optimizers.update_program import records


def adam_passes(grads, weights, m, v, vh, a, b, m_parts, a_parts, coefs, record) -> None:
    """Adam's twelve element-wise passes over one run of variables, in place.

    `m`, `v`, `vh` (or None), `a` and `b` (scratch) are flat over the run;
    `m_parts` and `a_parts` are their stretches shaped like each variable, which
    take the gradient passes (`grads`) and the weight update (`weights`). Per
    element: `m += (g - m) * (1 - beta_1)`, `v += (g ** 2 - v) * (1 - beta_2)`,
    `v = max(vh, v)` with AMSGrad, `w -= (m * alpha) / (sqrt(v) + epsilon)`.
    Each call goes to `record` (see `UpdateProgram`).
    """
    alpha, one_minus_b1, one_minus_b2, eps = coefs
    for g, m_k, a_k in zip(grads, m_parts, a_parts):
        record((np.subtract, g, m_k, a_k))  # (gradients are never written to)
    record((np.multiply, a, one_minus_b1, a))
    record((np.add, m, a, m))
    for g, a_k in zip(grads, a_parts):
        record((np.square, g, a_k))
    record((np.subtract, a, v, a))
    record((np.multiply, a, one_minus_b2, a))
    record((np.add, v, a, v))
    if vh is not None:
        record((partial(np.maximum, out=vh), vh, v))
        v = vh
    record((np.multiply, m, alpha, a))
    record((np.sqrt, v, b))
    record((np.add, b, eps, b))
    record((np.divide, a, b, a))
    for w, a_k in zip(weights, a_parts):
        record((np.subtract, w, a_k, w))


class Adam(Optimizer):
    """Adam (Kingma & Ba), with Keras 3's update rule and defaults.

    Args:
        learning_rate: Default 0.001.
        beta_1: Decay of the first-moment estimate (0.9).
        beta_2: Decay of the second-moment estimate (0.999).
        epsilon: Small constant (1e-7, Keras' default).
        amsgrad: Whether to use the AMSGrad variant.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.amsgrad = amsgrad

    def build(self, var_list):
        super().build(var_list)
        names = ["momentum", "velocity"] + (["velocity_hat"] if self.amsgrad else [])
        flat = FlatSlots(var_list, names)
        # Keras 3 order: momentum and velocity per variable, then the velocity_hats.
        self._momentums, self._velocities = add_flat_slots(self, flat, var_list, names[:2])
        self._velocity_hats = []
        if self.amsgrad:
            (self._velocity_hats,) = add_flat_slots(self, flat, var_list, ["velocity_hat"])
        self._flat = flat

    def _coefficients(self, dt, learning_rate):
        """`(alpha, 1 - beta_1, 1 - beta_2, epsilon)` in `dt`, computed once per step.

        Every variable of one `apply` shares them, so they are cached on the step,
        dtype and hyper-parameters (same arithmetic as computing them per variable).
        """
        step = float(self._step_count() + 1)
        key = (step, dt, float(learning_rate), self.beta_1, self.beta_2, self.epsilon)
        cache = getattr(self, "_coef_cache", None)
        if cache is not None and cache[0] == key:
            return cache[1]
        b1 = np.asarray(self.beta_1, dt)
        b2 = np.asarray(self.beta_2, dt)
        b1p = np.power(b1, np.asarray(step, dt))
        b2p = np.power(b2, np.asarray(step, dt))
        alpha = np.asarray(learning_rate, dt) * np.sqrt(1 - b2p) / (1 - b1p)
        coefs = (
            alpha,
            dt.type(1 - self.beta_1),
            dt.type(1 - self.beta_2),
            np.asarray(self.epsilon, dt),
        )
        self._coef_cache = (key, coefs)
        return coefs

    @records
    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        a, b = scratch_pair(self, variable)
        vh = self._velocity_hats[i].value if self.amsgrad else None
        adam_passes(
            [gradient],
            [variable.value],
            self._momentums[i].value,
            self._velocities[i].value,
            vh,
            a,
            b,
            [self._momentums[i].value],
            [a],
            self._coefficients(variable.dtype, learning_rate),
            self._recorder(),
        )

    def _update_steps(self, grads, variables, lr) -> None:
        """All variables in a few calls over the flat slot buffers (bitwise `update_step`).

        Falls back to one `update_step` per variable when only some variables have
        gradients or `update_step` is overridden (by a subclass or a patch).
        """
        flat = usable_flat_slots(self, variables, _OWN_UPDATE_STEP)
        if flat is None:
            super()._update_steps(grads, variables, lr)
            return
        record = self._recorder()
        for group in flat.groups:
            coefs = self._coefficients(group.dtype, lr)
            for run in group.runs(MERGE_BELOW, 2):
                a_parts = run.scratch_parts[0]
                adam_passes(
                    run.gradients(grads),
                    [variables[i].value for i in run.positions],
                    run.slots["momentum"],
                    run.slots["velocity"],
                    run.slots.get("velocity_hat"),
                    run.scratch[0],
                    run.scratch[1],
                    run.slot_parts["momentum"],
                    a_parts,
                    coefs,
                    record,
                )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return cfg


_OWN_UPDATE_STEP = Adam.update_step  # a subclass or patch replacing it is honoured
