"""`SGD`: gradient descent with optional momentum and Nesterov momentum."""

from __future__ import annotations

import numpy as np

from minikeras.ops import kernels
from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.flat_slots import (
    MERGE_BELOW,
    FlatSlots,
    add_flat_slots,
    usable_flat_slots,
)
from minikeras.optimizers.update_program import records


class SGD(Optimizer):
    """Gradient descent (with momentum).

    `velocity = momentum * velocity - learning_rate * g`; `w += velocity`
    (Nesterov: `w += momentum * velocity - learning_rate * g`).

    Args:
        learning_rate: Learning rate (default 0.01). `lr=` is accepted with a
            DeprecationWarning and honoured.
        momentum: Float ≥ 0.
        nesterov: Whether to apply Nesterov momentum.
        name: Optimizer name.
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}"
            )
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            flat = FlatSlots(var_list, ["momentum"])
            (self.momentums,) = add_flat_slots(self, flat, var_list, ["momentum"])
            self._flat = flat

    @records
    def update_step(self, gradient, variable, learning_rate):
        record = self._recorder()
        w = variable.value
        lr = np.asarray(learning_rate, dtype=variable.dtype)
        if self.momentum == 0:
            kernels.sgd_update(w, gradient, lr, record)
            return
        m = self.momentums[self._index(variable)].value
        mom = np.asarray(self.momentum, dtype=variable.dtype)
        g_lr = np.multiply(gradient, lr)
        record((np.multiply, m, mom, m))  # m = m * momentum - g * lr
        record((np.subtract, m, g_lr, m))
        if self.nesterov:  # w += m * momentum - g * lr
            step = np.empty_like(m)
            record((np.multiply, m, mom, step))
            record((np.subtract, step, g_lr, step))
            record((np.add, w, step, w))
        else:
            record((np.add, w, m, w))

    def _update_steps(self, grads, variables, lr) -> None:
        """With momentum: runs of variables at once over flat slots (bitwise `update_step`)."""
        if self.momentum == 0 and type(self).update_step is _OWN_UPDATE_STEP:
            record = self._recorder()
            lr_t = None  # plain SGD: `update_step`'s one line, its learning rate cast once
            for g, v in zip(grads, variables):
                w = v.value
                if lr_t is None or lr_t.dtype != w.dtype:
                    lr_t = np.asarray(lr, dtype=w.dtype)
                g = g if g.dtype == w.dtype else g.astype(w.dtype)
                kernels.sgd_update(w, g, lr_t, record)
            return
        flat = usable_flat_slots(self, variables, _OWN_UPDATE_STEP) if self.momentum else None
        if flat is None:
            super()._update_steps(grads, variables, lr)
            return
        record = self._recorder()
        for group in flat.groups:
            lr_t = np.asarray(lr, dtype=group.dtype)
            mom = np.asarray(self.momentum, dtype=group.dtype)
            for run in group.runs(MERGE_BELOW, 2 if self.nesterov else 1):
                m, g_lr = run.slots["momentum"], run.scratch[0]
                record((np.multiply, m, mom, m))
                for g, part in zip(run.gradients(grads), run.scratch_parts[0]):
                    record((np.multiply, g, lr_t, part))
                record((np.subtract, m, g_lr, m))
                step, parts = m, run.slot_parts["momentum"]
                if self.nesterov:
                    step, parts = run.scratch[1], run.scratch_parts[1]
                    record((np.multiply, m, mom, step))
                    record((np.subtract, step, g_lr, step))
                for i, part in zip(run.positions, parts):
                    w = variables[i].value
                    record((np.add, w, part, w))

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return cfg


_OWN_UPDATE_STEP = SGD.update_step  # a subclass or patch replacing it is honoured


def plain_sgd_rate(optimizer, dtype) -> np.ndarray | None:
    """This step's learning rate as a `dtype` scalar when `optimizer.apply(grads, variables)`
    would do nothing but `iterations += 1` and plain SGD's `w -= g * lr` on each variable
    (no momentum, clipping, weight decay, EMA, accumulation or overridden step), so that a
    caller holding each gradient may apply it at once; else None. Schedules and legacy
    `decay` are honoured: the rate comes from `_current_learning_rate`, as in `apply`."""
    cls = type(optimizer)
    if (
        not isinstance(optimizer, SGD)
        or not optimizer.built
        or optimizer.momentum != 0
        or cls.update_step is not _OWN_UPDATE_STEP
        or cls._update_steps is not SGD._update_steps
        or cls.apply is not Optimizer.apply
        or cls._apply_update is not Optimizer._apply_update
        or cls._before_update_steps is not Optimizer._before_update_steps
        or optimizer.gradient_accumulation_steps
        or optimizer.clipnorm
        or optimizer.global_clipnorm
        or optimizer.clipvalue
        or optimizer.weight_decay
        or optimizer.use_ema
    ):
        return None
    return np.asarray(optimizer._current_learning_rate(), dtype=dtype)
