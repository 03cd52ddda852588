"""`History`: records epoch logs; returned by `fit`."""

from __future__ import annotations

from minikeras.callbacks.callback import Callback
from minikeras.legacy.history_keys import HistoryDict


class History(Callback):
    """Records `logs` at the end of every epoch into `history` (a dict of lists).

    Attributes:
        history: `{"loss": [...], "accuracy": [...], "val_loss": [...], ...}`; Keras <= 2.2
            names (`"acc"`, `"val_mean_absolute_error"`) read the same entries.
        epoch: The list of epoch indices seen.
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = HistoryDict()
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None and self.model.__dict__.get("history") is not self:
            self.model.history = self

    def plot(self, path=None, keys=None):
        """Draws the loss/metric curves (needs matplotlib); see `utils.plot_history`."""
        from minikeras.utils.plotting import plot_history

        return plot_history(self, path=path, keys=keys)
