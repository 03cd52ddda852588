"""Callbacks as Keras' "Writing your own callbacks" guide writes them.

Every hook receives a logs dict (Keras never passes None from `fit`/`evaluate`/
`predict`), batch and epoch logs carry the metrics, and callbacks can stop training,
restore weights and change the learning rate through `self.model`.
"""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

HOOKS = [
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
]


class KeysRecorder(keras.callbacks.Callback):
    """Calls `list(logs.keys())` in every hook (it fails on a None `logs`)."""

    def __init__(self):
        super().__init__()
        self.seen = []


def _recording_hook(hook):
    if hook.endswith(("begin", "end")) and ("batch" in hook or "epoch" in hook):

        def method(self, index, logs=None):
            self.seen.append((hook, list(logs.keys())))
    else:

        def method(self, logs=None):
            self.seen.append((hook, list(logs.keys())))

    return method


for _hook in HOOKS:
    setattr(KeysRecorder, _hook, _recording_hook(_hook))


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mean_absolute_error"])
    return model


def _data(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, x.sum(axis=1, keepdims=True)


def test_every_hook_gets_a_dict_with_the_metrics():
    x, y = _data()
    model = _model()
    rec = KeysRecorder()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_data=(x, y), callbacks=[rec])
    model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[rec])
    model.predict(x, batch_size=16, verbose=0, callbacks=[rec])
    hooks = {h for h, _ in rec.seen}
    assert hooks == set(HOOKS)
    keys = dict(rec.seen)  # the last keys seen per hook
    assert keys["on_train_batch_end"] == ["loss", "mean_absolute_error"]
    assert keys["on_test_batch_end"] == ["loss", "mean_absolute_error"]
    assert keys["on_epoch_end"] == [
        "loss",
        "mean_absolute_error",
        "val_loss",
        "val_mean_absolute_error",
    ]
    assert keys["on_predict_batch_end"] == ["outputs"]
    assert keys["on_train_begin"] == [] and keys["on_epoch_begin"] == []


def test_batch_logs_are_the_running_means_of_the_epoch():
    x, y = _data()
    model = _model()
    losses = []

    class BatchLoss(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append(logs["loss"])

    history = model.fit(
        x, y, batch_size=8, epochs=1, verbose=0, shuffle=False, callbacks=[BatchLoss()]
    )
    assert len(losses) == 4 and isinstance(losses[0], float)
    assert losses[-1] == history.history["loss"][0]


def test_early_stopping_at_min_loss_with_best_weights():
    x, y = _data()
    model = _model()

    class StopAtMinLoss(keras.callbacks.Callback):
        def __init__(self, patience=0):
            super().__init__()
            self.patience = patience

        def on_train_begin(self, logs=None):
            self.wait, self.best, self.best_weights = 0, np.inf, None
            self.stopped_epoch = 0

        def on_epoch_end(self, epoch, logs=None):
            if logs["loss"] < self.best:
                self.best, self.wait = logs["loss"], 0
                self.best_weights = self.model.get_weights()
                return
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    # A learning rate this large makes the loss rise after the first epochs.
    model.optimizer.learning_rate = 0.5
    cb = StopAtMinLoss()
    history = model.fit(x, y, batch_size=32, epochs=30, verbose=0, callbacks=[cb])
    assert 0 < cb.stopped_epoch < 29 and len(history.history["loss"]) == cb.stopped_epoch + 1
    for restored, best in zip(model.get_weights(), cb.best_weights):
        np.testing.assert_array_equal(restored, best)


def test_learning_rate_changed_by_a_callback_is_used():
    x, y = _data()
    rates = []

    class HalveRate(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            self.model.optimizer.learning_rate = lr / 2
            rates.append(lr / 2)

    model = _model()
    model.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[HalveRate()])
    assert rates == pytest.approx([0.025, 0.0125, 0.00625])
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.00625)


def test_callback_list_called_without_logs_passes_an_empty_dict():
    rec = KeysRecorder()
    cbs = keras.callbacks.CallbackList([rec])
    cbs.on_train_begin()
    cbs.on_epoch_end(0)
    cbs.on_train_batch_end(3, logs={"loss": 1.0})
    assert rec.seen == [
        ("on_train_begin", []),
        ("on_epoch_end", []),
        ("on_train_batch_end", ["loss"]),
    ]
