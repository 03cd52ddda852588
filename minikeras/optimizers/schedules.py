"""Learning-rate schedules (step → learning rate), computed in float32 as Keras 3 does."""

from __future__ import annotations

import math

import numpy as np

from minikeras.utils.module_lookup import deserialize_keras_object, serialize_keras_object

_F = np.float32


class LearningRateSchedule:
    """Base class: `schedule(step) -> learning rate`.

    Subclasses implement `__call__(step)` and `get_config()`.
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()`."
        )

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _check_steps(arg: str, value) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{arg}` must be > 0. Received: {arg}={value}")


class _StaircaseDecay(LearningRateSchedule):
    """Shared state of the decays driven by `step / decay_steps` (floored if staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _progress(self, step):
        p = _F(step) / _F(self.decay_steps)
        return np.floor(p) if self.staircase else p

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_StaircaseDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored if staircase)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _F(self.initial_learning_rate) * np.power(_F(self.decay_rate), self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` while `boundaries[i-1] < step <= boundaries[i]`.

    Raises:
        ValueError: unless `len(boundaries) == len(values) - 1`.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = float(step)
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return _F(value)
        return _F(self.values[-1])

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end` (optionally cycling)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step_f = _F(step)
        decay_steps = _F(self.decay_steps)
        if self.cycle:
            mult = _F(1.0) if step_f == 0 else np.ceil(step_f / decay_steps)
            decay_steps = decay_steps * mult
        else:
            step_f = np.minimum(step_f, decay_steps)
        p = step_f / decay_steps
        init, end = _F(self.initial_learning_rate), _F(self.end_learning_rate)
        return (init - end) * np.power(_F(1) - p, _F(self.power)) + end

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_StaircaseDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _F(self.initial_learning_rate) / (_F(1) + _F(self.decay_rate) * self._progress(step))


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` (or from `warmup_target` after a linear
    warmup of `warmup_steps`) down to `alpha` times that rate over `decay_steps`."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, decay_from):
        fraction = step / _F(self.decay_steps)
        cosine = _F(0.5) * (_F(1) + np.cos(_F(math.pi) * fraction))
        return decay_from * (_F(1 - self.alpha) * cosine + _F(self.alpha))

    def __call__(self, step):
        init = _F(self.initial_learning_rate)
        step = _F(step)
        if self.warmup_target is None:
            return self._decay(np.minimum(step, _F(self.decay_steps)), init)
        target, warm = _F(self.warmup_target), _F(self.warmup_steps)
        step = np.minimum(step, _F(self.decay_steps) + warm)
        if step < warm:
            return (target - init) * (step / warm) + init
        return self._decay(step - warm, target)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks by `m_mul`."""

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = _F(step) / _F(self.first_decay_steps)
        t_mul = _F(self._t_mul)
        if t_mul == 1.0:
            i_restart = np.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = np.floor(np.log(_F(1) - fraction * (_F(1) - t_mul)) / np.log(t_mul))
            sum_r = (_F(1) - np.power(t_mul, i_restart)) / (_F(1) - t_mul)
            fraction = (fraction - sum_r) / np.power(t_mul, i_restart)
        m_fac = np.power(_F(self._m_mul), i_restart)
        cosine = _F(0.5) * m_fac * (_F(1) + np.cos(_F(math.pi) * fraction))
        alpha = _F(self.alpha)
        return _F(self.initial_learning_rate) * ((_F(1) - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(schedule) -> dict:
    """Keras-style dict of a schedule."""
    return serialize_keras_object(schedule, "keras.optimizers.schedules")


def deserialize(config, custom_objects=None):
    """Builds a schedule from `serialize`'s dict (Keras 2 or Keras 3 layout).

    Raises:
        ValueError: for an unknown schedule class.
    """
    return deserialize_keras_object(
        config,
        "learning rate schedule",
        ALL_SCHEDULES,
        custom_objects=custom_objects,
        hint=f" Known schedules: {sorted(ALL_SCHEDULES)}",
    )
