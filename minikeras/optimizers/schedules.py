"""Learning-rate schedules (step → learning rate)."""

from __future__ import annotations

import math

import numpy as np


class LearningRateSchedule:
    """Base class: `schedule(step) -> learning rate`."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored if staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(
                f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return np.float32(self.initial_learning_rate * self.decay_rate ** p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


ALL_SCHEDULES = {"ExponentialDecay": ExponentialDecay}


def serialize(schedule) -> dict:
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    cls = ALL_SCHEDULES.get(config["class_name"])
    if cls is None:
        from minikeras.saving.object_registration import get_registered_object

        cls = get_registered_object(config["class_name"], custom_objects)
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule: '{config['class_name']}'.")
    return cls.from_config(dict(config["config"]))
