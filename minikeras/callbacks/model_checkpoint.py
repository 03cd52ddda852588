"""`ModelCheckpoint`: save the model or its weights during training."""

from __future__ import annotations

import os
import warnings

import numpy as np

from minikeras.callbacks.monitor_callback import MonitorCallback

_WEIGHTS_SUFFIXES = (".weights.h5", ".h5", ".hdf5", ".npz")
_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


class ModelCheckpoint(MonitorCallback):
    """Saves the model (`model.save`) or weights (`model.save_weights`) every epoch or every
    `save_freq` batches, optionally only when `monitor` improves.

    `filepath` may hold format fields filled from `epoch` (1-based), `batch` and the
    logs, e.g. `"weights.{epoch:02d}-{val_loss:.2f}.weights.h5"`.

    Args:
        filepath: Where to save. Weights-only: `.weights.h5` (Keras 3), `.h5`/`.hdf5`
            (Keras 2 layout) or `.npz`; whole model: `.keras` or `.h5`.
        monitor: Quantity compared when `save_best_only` (`"val_loss"`).
        verbose: 1 prints a message per save decision.
        save_best_only: Only save when `monitor` improves.
        save_weights_only: Save weights instead of the whole model.
        mode: `"auto"`, `"min"` or `"max"`.
        save_freq: `"epoch"` or a number of batches.
        initial_value_threshold: Starting "best" value for `save_best_only`.
        **kwargs: Keras 2 `period` (save every `period` epochs), with a
            DeprecationWarning.

    Raises:
        ValueError: for an unsupported file extension or `save_freq`.
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
        **kwargs,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.period = kwargs.pop("period", 1)
        if self.period != 1:
            warnings.warn(
                "`period` argument is deprecated. Please use `save_freq` to specify "
                "the frequency in number of batches seen.",
                DeprecationWarning,
                stacklevel=2,
            )
        kwargs.pop("options", None)
        if kwargs:
            raise ValueError(f"Unrecognized arguments for ModelCheckpoint: {sorted(kwargs)}")
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._current_epoch = 0
        suffixes = _WEIGHTS_SUFFIXES if save_weights_only else _MODEL_SUFFIXES
        if not self.filepath.endswith(suffixes):
            kind = "weights" if save_weights_only else "model"
            raise ValueError(
                f"When using `save_weights_only={save_weights_only}` in `ModelCheckpoint`, "
                f"the filepath provided must end in one of {list(suffixes)} ({kind} file "
                f"formats). Received: filepath={self.filepath}"
            )
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                "integer values"
            )

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen_since_last_saving += 1
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch" and (epoch + 1) % self.period == 0:
            self._save_model(epoch, None, logs)

    def _should_save_model(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to `save_best_only=False`."
            )
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _get_file_path(self, epoch, batch, logs) -> str:
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}. '
                f"Available keys: epoch, batch, {sorted(logs)}"
            ) from e

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
