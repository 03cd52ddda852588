"""`LearningRateScheduler`: set the learning rate at the start of each epoch."""

from __future__ import annotations

import numpy as np

from minikeras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Calls `schedule(epoch, lr)` (or the legacy `schedule(epoch)`) before every epoch.

    The learning rate is logged as `learning_rate` at the end of every epoch.

    Args:
        schedule: A function `(epoch: int, lr: float) -> float`.
        verbose: 1 prints the new rate.

    Raises:
        ValueError: if the schedule does not return a float.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # Keras 2 one-argument schedules
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
