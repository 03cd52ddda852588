"""`ProgbarLogger`: prints Keras' progress bar during fit/evaluate/predict."""

from __future__ import annotations

from minikeras.callbacks.callback import Callback
from minikeras.utils import io_utils
from minikeras.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints `Epoch i/n` and a progress bar per epoch (verbose 1) or one line (verbose 2)."""

    def __init__(self, count_mode="steps", stateful_metrics=None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self._bar = None
        self._seen = 0

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)

    def _new_bar(self, target):
        self._bar = Progbar(target=target, verbose=self.verbose, unit_name="step")
        self._seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs >= 1:
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")
        self._new_bar(self.params.get("steps"))

    def _items(self, logs):
        # The trainer's logs are already running means over the epoch (stateful, as
        # tf_keras marks the model's metrics): show them as-is, never re-averaged.
        logs = logs or {}
        self._bar._update_stateful_metrics(logs.keys())
        # The bar is Keras 2's text bar and lists what it shows as Keras 2 did: the loss
        # first, then the metrics, then the validation figures in the same way. The logs
        # themselves keep Keras 3's sorted order.
        return sorted(logs.items(), key=_display_rank)

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, self._items(logs), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self._bar.update(self._seen or 1, self._items(logs), finalize=True)

    def on_test_begin(self, logs=None):
        if not self.model or not getattr(self.model, "_in_fit", False):
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._seen = batch + 1
            self._bar.update(self._seen, self._items(logs), finalize=False)

    def on_test_end(self, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._bar.update(self._seen or 1, self._items(logs), finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, None, finalize=False)

    def on_predict_end(self, logs=None):
        self._bar.update(self._seen or 1, None, finalize=True)


def _display_rank(item):
    name = item[0]
    return (name.startswith("val_"), name not in ("loss", "val_loss"))
