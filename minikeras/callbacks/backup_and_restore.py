"""`BackupAndRestore`: resume an interrupted `fit` from the last backup."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from minikeras.callbacks.callback import Callback


class BackupAndRestore(Callback):
    """Backs up weights, optimizer state and the epoch reached; `fit` resumes from them.

    Files in `backup_dir`: `latest.weights.h5` (`model.save_weights`),
    `latest.optimizer.npz` (optimizer variables, plain arrays) and
    `training_metadata.json` (`{"epoch": ..., "batch": ...}`).

    Args:
        backup_dir: Directory for the backup files.
        save_freq: `"epoch"` or a number of batches.
        double_checkpoint: Keep the previous backup too (`*.bkp`), used if the latest
            one cannot be read.
        delete_checkpoint: Delete `backup_dir` when training finishes normally.

    Raises:
        ValueError: for an empty `backup_dir` or an invalid `save_freq`.
    """

    def __init__(
        self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        self._paths = [
            os.path.join(self.backup_dir, name)
            for name in ("latest.weights.h5", "latest.optimizer.npz", "training_metadata.json")
        ]

    def on_train_begin(self, logs=None):
        try:
            self._load_model()
        except (OSError, ValueError, KeyError):
            backups = [f"{p}.bkp" for p in self._paths]
            if not os.path.exists(backups[0]):
                raise
            for src, dst in zip(backups, self._paths):
                if os.path.exists(src):
                    shutil.copyfile(src, dst)
                elif os.path.exists(dst):
                    os.remove(dst)
            self._load_model()

    def _load_model(self):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you "
                f"call `fit()`. Model {self.model.name} is unbuilt. You can build it "
                "beforehand by calling it on a batch of data."
            )
        weights, opt_state, meta = self._paths
        if os.path.exists(weights):
            self.model.load_weights(weights)
        optimizer = self.model.optimizer
        if os.path.exists(opt_state) and optimizer is not None:
            if not optimizer.built:
                optimizer.build(self.model.trainable_weights)
            with np.load(opt_state, allow_pickle=False) as data:
                optimizer.set_weights([data[f"v{i}"] for i in range(len(data.files))])
        if os.path.exists(meta):
            with open(meta) as f:
                self.model._initial_epoch = json.load(f)["epoch"]

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        if batch <= self._last_batch_seen:  # a new epoch
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model()

    def _save_model(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        weights, opt_state, meta = self._paths
        if self.double_checkpoint:
            for path in self._paths:
                if os.path.exists(path):
                    shutil.copyfile(path, f"{path}.bkp")
        self.model.save_weights(weights, overwrite=True)
        optimizer = self.model.optimizer
        if optimizer is not None and optimizer.built:
            values = {f"v{i}": np.asarray(v) for i, v in enumerate(optimizer.get_weights())}
            tmp = f"{opt_state}.tmp.npz"
            np.savez(tmp, **values)
            os.replace(tmp, opt_state)
        with open(meta, "w") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, f)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
