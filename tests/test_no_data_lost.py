"""An interrupted `fit` leaves a usable model with the last completed step's weights."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import py_compile
import signal
import sys
import threading
import time

import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.utils import interrupt_guard

X = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 0).astype("float32")


class FailOnCall(layers.Layer):
    """Identity layer that raises `error` on its `fail_at`-th training call."""

    def __init__(self, fail_at, error, **kwargs):
        super().__init__(**kwargs)
        self.fail_at, self.error, self.calls = fail_at, error, 0

    def call(self, x, training=None):
        if training:
            self.calls += 1
            if self.calls == self.fail_at:
                raise self.error
        return x


def _model(extra=None, optimizer="adam"):
    minikeras.utils.set_random_seed(7)
    stack = [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)]
    model = minikeras.Sequential(stack + ([extra] if extra is not None else []))
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _reference_weights(steps: int, optimizer="adam"):
    """Weights after exactly `steps` full updates, trained without interruption."""
    model = _model(optimizer=optimizer)
    for i in range(steps):
        model.train_on_batch(X[(i % 4) * 8 : (i % 4 + 1) * 8], Y[(i % 4) * 8 : (i % 4 + 1) * 8])
    return model.get_weights()


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_exception_mid_fit_keeps_last_completed_step(error):
    model = _model(FailOnCall(fail_at=7, error=error))
    with pytest.raises(type(error)):
        model.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    # 6 steps completed (epoch 1: 4, epoch 2: 2); the 7th never touched the weights.
    for got, want in zip(model.get_weights(), _reference_weights(6)):
        np.testing.assert_array_equal(got, want)
    assert model.history.history["loss"] and len(model.history.epoch) == 1
    # The model is still usable: predict and another fit work.
    assert model.predict(X, verbose=0).shape == (32, 1)
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)


class CtrlCOnCall(layers.Layer):
    """Identity layer that sends this process a SIGINT on its `at`-th training call."""

    def __init__(self, at, **kwargs):
        super().__init__(**kwargs)
        self.at, self.calls = at, 0

    def call(self, x, training=None):
        if training:
            self.calls += 1
            if self.calls == self.at:
                os.kill(os.getpid(), signal.SIGINT)
        return x


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs POSIX signals")
def test_ctrl_c_outside_an_update_interrupts_at_once():
    # Only the update itself (and the guard's own bookkeeping) waits: a Ctrl-C during the
    # forward pass of step 3 interrupts that step, which then never updates the weights.
    model = _model(CtrlCOnCall(at=3))
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations.value) == 2
    for got, want in zip(model.get_weights(), _reference_weights(2)):
        np.testing.assert_array_equal(got, want)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs POSIX signals")
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_ctrl_c_during_weight_update_is_deferred_until_update_ends(optimizer, monkeypatch):
    model = _model(optimizer=optimizer)
    opt = model.optimizer
    original = type(opt).update_step
    calls = {"n": 0}

    def update_step(self, gradient, variable, learning_rate):
        calls["n"] += 1
        if calls["n"] == 4 * 2 + 2:  # step 3, second of the four variables
            os.kill(os.getpid(), signal.SIGINT)
        original(self, gradient, variable, learning_rate)

    monkeypatch.setattr(type(opt), "update_step", update_step)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    # Step 3 completed in full (all four variables), then the interrupt surfaced.
    assert int(opt.iterations.value) == 3
    for got, want in zip(model.get_weights(), _reference_weights(3, optimizer)):
        np.testing.assert_array_equal(got, want)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_history_up_to_date_after_interrupt_in_callback():
    class StopHard(minikeras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:
                raise KeyboardInterrupt

    model = _model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=10, verbose=0, callbacks=[StopHard()])
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX threads")
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_user_signal_handler_delivered_to_another_thread_waits_for_the_update(
    optimizer, monkeypatch
):
    # The operating system may hand a process signal to any thread that does not block it
    # (a BLAS worker, say); Python then runs the handler in the main thread at its next
    # check, which must not fall between two variables of one update.
    model = _model(optimizer=optimizer)
    opt = model.optimizer
    original = type(opt).update_step
    calls = {"n": 0}
    idle = threading.Event()
    other = threading.Thread(target=idle.wait, daemon=True)
    other.start()

    def update_step(self, gradient, variable, learning_rate):
        calls["n"] += 1
        if calls["n"] == 4 * 2 + 2:  # step 3, second of the four variables
            signal.pthread_kill(other.ident, signal.SIGALRM)
            time.sleep(0.05)  # the main thread reaches many checks meanwhile
        original(self, gradient, variable, learning_rate)

    def alarm(signum, frame):
        raise TimeoutError("time is up")

    monkeypatch.setattr(type(opt), "update_step", update_step)
    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        with pytest.raises(TimeoutError, match="time is up"):
            model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        idle.set()
    # Step 3 completed in full (all four variables), then the user's handler ran.
    assert int(opt.iterations.value) == 3
    for got, want in zip(model.get_weights(), _reference_weights(3, optimizer)):
        np.testing.assert_array_equal(got, want)


def _deliver_in_main_thread(frame):
    """SIGALRM raised in the main thread: it waits while the main thread blocks it."""
    signal.raise_signal(signal.SIGALRM)


def _deliver_from_another_thread(frame):
    """A SIGINT that another thread (a BLAS worker, say) received: the main thread runs its
    handler, whichever is installed, at its next check, however it masks signals."""
    signal.getsignal(signal.SIGINT)(signal.SIGINT, frame)


def _fit_with_signal_at_guard_line(
    line: int, arm: str, deliver
) -> tuple[BaseException | None, int]:
    """Trains one epoch and calls `deliver(frame)` at the `line`-th line that the interrupt
    guard's code runs after the callback hook `arm` (0: never); returns what `fit` raised,
    with the number of guard lines that ran."""
    model = _model(optimizer="adam")
    seen = {"lines": 0}

    def local_trace(frame, event, arg):
        if event == "line":
            seen["lines"] += 1
            if seen["lines"] == line:
                deliver(frame)
        return local_trace

    def trace(frame, event, arg):
        return local_trace if frame.f_code.co_filename == interrupt_guard._HERE else None

    class Arm(minikeras.callbacks.Callback):
        pass

    setattr(Arm, arm, lambda self, *args, **kwargs: sys.settrace(trace))
    outer = sys.gettrace()
    try:
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0, callbacks=[Arm()])
    except BaseException as exc:  # noqa: BLE001 - what fit raised is the result
        return exc, seen["lines"]
    finally:
        sys.settrace(outer)
    return None, seen["lines"]


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs POSIX signals")
@pytest.mark.parametrize(
    "deliver, expected",
    [(_deliver_in_main_thread, TimeoutError), (_deliver_from_another_thread, KeyboardInterrupt)],
    ids=["main-thread", "other-thread"],
)
@pytest.mark.parametrize("arm", ["on_train_begin", "on_epoch_end"])
def test_a_signal_at_any_line_of_the_guard_is_raised_with_the_handlers_back(arm, deliver, expected):
    # Whichever line of its own bookkeeping the interrupt guard is running when a signal
    # arrives (wrapping the handlers as fit starts, around each update, putting them back
    # as fit ends), fit raises what the handler raises, and only once the handlers and the
    # signal mask are as fit found them.
    def alarm(signum, frame):
        raise TimeoutError("time is up")

    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        raised, lines = _fit_with_signal_at_guard_line(0, arm, deliver)
        assert raised is None and lines > 5
        for line in range(1, lines + 1):
            raised, _ = _fit_with_signal_at_guard_line(line, arm, deliver)
            assert isinstance(raised, expected), (line, raised)
            assert signal.getsignal(signal.SIGALRM) is alarm, line
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, line
            assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == mask, line
            assert not interrupt_guard._state["installed"], line
            assert not interrupt_guard._state["pending"], line
            assert not interrupt_guard._state["critical"], line
        # The next fit ends normally.
        assert _fit_with_signal_at_guard_line(0, arm, deliver)[0] is None
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_the_guard_knows_its_own_code_when_shipped_as_bytecode_only(tmp_path):
    # A bundle shipped without sources carries bytecode compiled under another path: the
    # guard must still recognise its own frames there, or it would not defer a signal
    # that lands in its bookkeeping.
    compiled = tmp_path / "interrupt_guard.pyc"
    py_compile.compile(
        interrupt_guard.__file__,
        cfile=str(compiled),
        dfile="/build/elsewhere/interrupt_guard.py",
        doraise=True,
    )
    loader = importlib.machinery.SourcelessFileLoader("bundled_guard", str(compiled))
    bundled = importlib.util.module_from_spec(
        importlib.util.spec_from_loader("bundled_guard", loader)
    )
    loader.exec_module(bundled)
    assert bundled.__file__ == str(compiled)
    own_frame = bundled.interrupt_guard.__wrapped__().gi_frame  # not started: no side effect
    assert own_frame.f_code.co_filename == "/build/elsewhere/interrupt_guard.py"
    assert bundled._in_this_module(own_frame)
    assert not bundled._in_this_module(sys._getframe())
