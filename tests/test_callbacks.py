"""Callbacks: Keras 3.15.1 decisions on fixed log sequences (fixtures/keras_generated/
callbacks.json, made by gen_callbacks.py) and behaviour inside real `fit` calls."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

import minikeras as mk
from minikeras import callbacks, layers, ops
from tests.conftest import FIXTURES

CB_SPEC = json.loads((FIXTURES / "keras_generated" / "callbacks.json").read_text())["cases"]


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")
    return x, y


def _model(lr=0.1, metrics=("accuracy",)):
    m = mk.Sequential(
        [layers.Dense(4, activation="tanh", input_dim=3), layers.Dense(1, activation="sigmoid")]
    )
    m.compile(optimizer=mk.optimizers.SGD(lr), loss="binary_crossentropy", metrics=list(metrics))
    return m


@pytest.mark.parametrize("case", CB_SPEC, ids=[json.dumps(c["kwargs"]) for c in CB_SPEC])
def test_monitor_decisions_match_keras(case):
    model = _model()
    x, y = _data(4)
    model.fit(x, y, verbose=0)  # builds the compiled metrics, as in the generator
    cb = getattr(callbacks, case["class_name"])(**case["kwargs"])
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_begin()
    for epoch, (value, want) in enumerate(zip(case["seq"], case["steps"])):
        cb.on_epoch_end(epoch, {case["key"]: value, "loss": value})
        assert model.stop_training == want["stop_training"], epoch
        assert float(model.optimizer.learning_rate) == pytest.approx(want["lr"], rel=1e-6)
        assert cb.wait == want["wait"], epoch
    assert len(case["steps"]) <= len(case["seq"])


def test_early_stopping_restores_best_weights_in_fit():
    x, y = _data()
    model = _model(lr=2.0)
    seen = []
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append((logs["val_loss"], model.get_weights()))
    )
    es = callbacks.EarlyStopping(patience=1, restore_best_weights=True)
    h = model.fit(
        x,
        y,
        epochs=30,
        batch_size=8,
        validation_data=(x[:8], y[:8]),
        verbose=0,
        callbacks=[record, es],
    )
    stopped = len(h.history["loss"])
    assert stopped == len(seen) and stopped < 30 and model.stop_training
    best = int(np.argmin([v for v, _ in seen]))
    assert es.best_epoch == best
    for w, ref in zip(model.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(w, ref)


def test_early_stopping_warns_for_missing_monitor():
    x, y = _data(8)
    with pytest.warns(UserWarning, match="val_loss.*not available"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.EarlyStopping()])


def test_auto_mode_needs_known_direction():
    cb = callbacks.EarlyStopping(monitor="val_custom_thing")
    cb.set_model(_model())
    with pytest.raises(ValueError, match="mode='max'"):
        cb.on_epoch_end(0, {"val_custom_thing": 1.0})


def test_model_checkpoint_weights_filename_formatting_and_best_only(tmp_path):
    x, y = _data()
    model = _model(lr=0.5)
    pattern = str(tmp_path / "w.{epoch:02d}-{val_loss:.2f}.weights.h5")
    weights_at = {}
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: weights_at.__setitem__(
            e, (logs["val_loss"], model.get_weights())
        )
    )
    ckpt = callbacks.ModelCheckpoint(pattern, save_best_only=True, save_weights_only=True)
    model.fit(
        x,
        y,
        epochs=4,
        batch_size=8,
        validation_data=(x[:8], y[:8]),
        verbose=0,
        callbacks=[record, ckpt],
    )
    best, improving = math.inf, []
    for epoch in range(4):
        val = weights_at[epoch][0]
        if val < best:
            best = val
            improving.append(epoch)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(f"w.{e + 1:02d}-{weights_at[e][0]:.2f}.weights.h5" for e in improving)
    last = improving[-1]
    fresh = _model()
    fresh.build((None, 3))
    fresh.load_weights(str(tmp_path / f"w.{last + 1:02d}-{weights_at[last][0]:.2f}.weights.h5"))
    for w, ref in zip(fresh.get_weights(), weights_at[last][1]):
        np.testing.assert_array_equal(w, ref)


def test_model_checkpoint_every_n_batches_and_bad_suffix(tmp_path):
    x, y = _data()
    ckpt = callbacks.ModelCheckpoint(
        str(tmp_path / "e{epoch}-b{batch}.h5"), save_weights_only=True, save_freq=3
    )
    _model().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[ckpt])
    # 4 batches per epoch, every 3rd batch seen overall: batches 3 (epoch 1), 2 (epoch 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1-b3.h5", "e2-b2.h5"]
    with pytest.raises(ValueError, match="must end in"):
        callbacks.ModelCheckpoint("weights.txt", save_weights_only=True)


def test_reduce_lr_on_plateau_changes_the_optimizer_step():
    x, y = _data()
    model = _model(lr=0.5)
    cb = callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=10.0)
    h = model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[cb])
    # min_delta=10: no epoch after the first improves; the rate is logged before reducing
    assert h.history["learning_rate"] == pytest.approx([0.5, 0.5, 0.25])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.125)


def test_learning_rate_scheduler_two_and_one_argument_schedules():
    x, y = _data()
    model = _model()
    h = model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 * (epoch + 1))],
    )
    assert h.history["learning_rate"] == pytest.approx([0.1, 0.2, 0.3])
    h = model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.01 / (epoch + 1))],
    )
    assert h.history["learning_rate"] == pytest.approx([0.01, 0.005])
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(
            x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e: "fast")]
        )


def test_learning_rate_scheduler_step_is_used():
    x = np.ones((1, 1), np.float32)
    y = np.zeros((1, 1), np.float32)
    model = mk.Sequential([layers.Dense(1, use_bias=False, input_dim=1, kernel_initializer="ones")])
    model.compile(optimizer=mk.optimizers.SGD(1.0), loss="mse")
    model.fit(
        x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: 0.25)]
    )
    # d/dw (w - 0)^2 = 2w = 2 → w = 1 - 0.25 * 2
    np.testing.assert_allclose(model.get_weights()[0], [[0.5]])


def test_csv_logger(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    h = _model().fit(
        x,
        y,
        epochs=2,
        verbose=0,
        validation_data=(x[:8], y[:8]),
        callbacks=[callbacks.CSVLogger(str(path))],
    )
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    assert float(rows[1]["val_loss"]) == pytest.approx(h.history["val_loss"][1])
    _model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[3].split(",")[0] == "0"


def test_terminate_on_nan_stops_after_the_bad_batch():
    x, y = _data()
    model = mk.Sequential([layers.Dense(1, input_dim=3)])

    def nan_loss(y_true, y_pred):
        return ops.multiply(
            ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1), np.float32("nan")
        )

    model.compile(optimizer="sgd", loss=nan_loss)
    batches = []
    h = model.fit(
        x,
        y,
        epochs=3,
        batch_size=8,
        verbose=0,
        callbacks=[
            callbacks.TerminateOnNaN(),
            callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b)),
        ],
    )
    assert batches == [0] and len(h.history["loss"]) == 1
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        model.fit(
            x,
            y,
            epochs=1,
            batch_size=8,
            verbose=0,
            callbacks=[callbacks.TerminateOnNaN(raise_error=True)],
        )


_HOOKS = (
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
)


def _recording_hook(name):
    def hook(self, *args, **kwargs):
        self.calls.append(name)

    return hook


_Recorder = type(
    "_Recorder", (callbacks.Callback,), {name: _recording_hook(name) for name in _HOOKS}
)


class _StopAfterTwoBatches(callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        assert set(logs) == {"loss", "accuracy"}
        if batch == 1:
            self.model.stop_training = True


def test_custom_callback_hook_order_and_stop_training():
    x, y = _data(16)
    rec = _Recorder()
    rec.calls = []
    model = _model()
    model.fit(
        x, y, epochs=1, batch_size=8, validation_data=(x[:8], y[:8]), verbose=0, callbacks=[rec]
    )
    assert rec.calls[:2] == ["on_train_begin", "on_epoch_begin"]
    assert rec.calls.count("on_train_batch_begin") == 2
    assert rec.calls[-1] == "on_train_end" and rec.calls[-2] == "on_epoch_end"
    assert "on_test_begin" in rec.calls and "on_test_end" in rec.calls
    h = model.fit(x, y, epochs=5, batch_size=4, verbose=0, callbacks=[_StopAfterTwoBatches()])
    assert len(h.history["loss"]) == 1


def test_lambda_callback_legacy_batch_hook():
    x, y = _data(16)
    seen = []
    _model().fit(
        x,
        y,
        epochs=1,
        batch_size=8,
        verbose=0,
        callbacks=[
            callbacks.LambdaCallback(
                on_batch_end=lambda b, logs: seen.append(b),
                on_train_end=lambda logs: seen.append("end"),
            )
        ],
    )
    assert seen == [0, 1, "end"]


def test_tensorboard_is_clearly_unavailable():
    with pytest.raises(AttributeError, match="TensorBoard.*TensorFlow"):
        callbacks.TensorBoard  # noqa: B018


_ALL_HOOKS = _HOOKS + (
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)
_FullRecorder = type(
    "_FullRecorder", (callbacks.Callback,), {name: _recording_hook(name) for name in _ALL_HOOKS}
)


def test_evaluate_and_predict_hooks():
    x, y = _data(16)
    model = _model()
    rec = _FullRecorder()
    rec.calls = []
    model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[rec])
    assert rec.calls == [
        "on_test_begin",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_test_end",
    ]
    rec.calls = []
    model.predict(x, batch_size=16, verbose=0, callbacks=[rec])
    assert rec.calls == [
        "on_predict_begin",
        "on_predict_batch_begin",
        "on_predict_batch_end",
        "on_predict_end",
    ]


class _Interrupt(callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 2:
            raise KeyboardInterrupt


def test_backup_and_restore_resumes_exactly(tmp_path):
    x, y = _data()

    def fresh():
        m = mk.Sequential(
            [layers.Dense(4, activation="tanh", input_dim=3), layers.Dense(1, activation="sigmoid")]
        )
        m.set_weights(reference_init)
        m.compile(optimizer=mk.optimizers.Adam(0.05), loss="binary_crossentropy")
        return m

    reference_init = _model().get_weights()
    straight = fresh()
    h_ref = straight.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    backup = tmp_path / "backup"
    model = fresh()
    with pytest.raises(KeyboardInterrupt):
        model.fit(
            x,
            y,
            epochs=5,
            batch_size=8,
            shuffle=False,
            verbose=0,
            callbacks=[callbacks.BackupAndRestore(str(backup)), _Interrupt()],
        )
    # the interrupt came after epoch 3's backup (callbacks run in order)
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 3
    resumed = fresh()  # a new process would start from scratch like this
    h = resumed.fit(
        x,
        y,
        epochs=5,
        batch_size=8,
        shuffle=False,
        verbose=0,
        callbacks=[callbacks.BackupAndRestore(str(backup))],
    )
    assert len(h.history["loss"]) == 2  # epochs 4 and 5 only
    np.testing.assert_allclose(h.history["loss"], h_ref.history["loss"][3:], rtol=1e-5)
    for w, ref in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(w, ref, rtol=1e-5, atol=1e-7)
    assert not backup.exists()  # deleted after a normal finish
