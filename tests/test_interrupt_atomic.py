"""Any interrupt during `fit` leaves the weights of some completed training step.

A `SIGALRM` handler raising `KeyboardInterrupt` fires at random moments of training,
from a timer, so at whatever point of the step or of `fit`'s own bookkeeping the
signal lands; after each interrupt the weights and the optimizer's slots must equal
those after some step of the same training run without interrupts, and the handlers
`fit` found must be back in place.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.backend import autodiff
from minikeras.layers import call_context

STEPS = 60


def make_model(optimizer):
    minikeras.utils.set_random_seed(3)
    model = minikeras.Sequential(
        [layers.Input((6,)), layers.Dense(16, activation="tanh"), layers.Dense(3)]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(32, 6)).astype("float32"), rng.normal(size=(32, 3)).astype("float32")


def state(model):
    return [np.array(v.value) for v in model.weights] + [
        np.array(v.value) for v in model.optimizer.variables
    ]


def trajectory(optimizer):
    """The state after every step of `STEPS` one-batch epochs (index = step count)."""
    x, y = data()
    model = make_model(optimizer)
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    states = [state(model)]
    for _ in range(STEPS - 1):
        model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
        states.append(state(model))
    return states


def same(a, b) -> bool:
    return len(a) == len(b) and all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b)
    )


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_interrupt_from_another_signal_leaves_a_completed_step(optimizer):
    x, y = data()
    reference = trajectory(optimizer)
    rng = np.random.default_rng(1)

    def fire(signum, frame):
        raise KeyboardInterrupt("from SIGALRM")

    # The timer fires within the time an uninterrupted run takes on this machine, so the
    # test interrupts training whether the machine is fast, slow or loaded; each run that
    # ends before its timer sets that time anew, so a machine whose load changes
    # meanwhile costs more runs, never a run without interrupts.
    timed = make_model(optimizer)
    timed.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    began = time.perf_counter()
    timed.fit(x, y, batch_size=32, epochs=STEPS - 1, shuffle=False, verbose=0)
    duration = time.perf_counter() - began
    previous = signal.signal(signal.SIGALRM, fire)
    interrupted = runs = 0
    try:
        while interrupted < 6 and runs < 60:
            runs += 1
            model = make_model(optimizer)
            model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)  # builds slots
            start = state(model)
            assert same(start, reference[0])
            # The timer is cancelled inside the `try`: an alarm that fires as `fit` returns
            # runs its handler there, and is counted, rather than escaping the test.
            try:
                began = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, float(rng.uniform(0.02, 0.9)) * duration)
                model.fit(x, y, batch_size=32, epochs=STEPS - 1, shuffle=False, verbose=0)
                signal.setitimer(signal.ITIMER_REAL, 0)
                duration = time.perf_counter() - began
            except KeyboardInterrupt:
                interrupted += 1
                signal.setitimer(signal.ITIMER_REAL, 0)
            now = state(model)
            assert any(same(now, ref) for ref in reference), "weights match no training step"
            assert signal.getsignal(signal.SIGALRM) is fire
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted >= 6


# ------------------------------------------------- an exception at any line of a step
# An exception that is not a signal (one thrown into this thread by another with
# `PyThreadState_SetAsyncExc`, as timeout helpers do, or raised by a trace hook) is not
# deferred by the interrupt guard. The optimizer's update is committed by one C-level
# loop (`optimizers.update_program`), so wherever such an exception lands the state is
# that of a completed step. A trace function raises `KeyboardInterrupt` at each line of
# minikeras that one training step runs, in turn: a deterministic stand-in for an
# exception arriving there.

_PACKAGE = os.path.dirname(minikeras.__file__) + os.sep

ATOMIC_OPTIMIZERS = {
    "sgd": lambda: minikeras.optimizers.SGD(0.05),
    "sgd_nesterov": lambda: minikeras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: minikeras.optimizers.Adam(0.01),
    "adamw_amsgrad": lambda: minikeras.optimizers.AdamW(0.01, amsgrad=True),
    "rmsprop": lambda: minikeras.optimizers.RMSprop(0.01),
    "rmsprop_centered_momentum": lambda: minikeras.optimizers.RMSprop(
        0.01, centered=True, momentum=0.5
    ),
    "adagrad": lambda: minikeras.optimizers.Adagrad(0.05),
    "adamax": lambda: minikeras.optimizers.Adamax(0.01),
    "adadelta": lambda: minikeras.optimizers.Adadelta(1.0),
    "lion": lambda: minikeras.optimizers.Lion(0.001),
    "nadam": lambda: minikeras.optimizers.Nadam(0.01),
    "lamb": lambda: minikeras.optimizers.Lamb(0.01),
    "adafactor": lambda: minikeras.optimizers.Adafactor(0.01),
    "ftrl": lambda: minikeras.optimizers.Ftrl(
        0.05, l1_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.01
    ),
    # Step 3 is an update step that also overwrites the weights with their averages, and
    # one that applies the gradients accumulated over steps 1 to 3.
    "adam_ema": lambda: minikeras.optimizers.Adam(0.01, use_ema=True, ema_overwrite_frequency=3),
    "sgd_accumulation": lambda: minikeras.optimizers.SGD(0.05, gradient_accumulation_steps=3),
}


def _model(optimizer, path):
    minikeras.utils.set_random_seed(3)
    if path == "dense_stack":  # the fused step of a plain Dense stack
        middle = [layers.Dense(16, activation="tanh")]
    else:  # a Conv1D: the tape step and `optimizer.apply`
        middle = [layers.Reshape((16, 1)), layers.Conv1D(2, 3), layers.Flatten()]
    model = minikeras.Sequential(
        [layers.Input((6,)), layers.Dense(16, activation="tanh"), *middle, layers.Dense(3)]
    )
    model.compile(optimizer=ATOMIC_OPTIMIZERS[optimizer](), loss="mse")
    return model


def _third_step_raising_at_line(optimizer, path, line):
    """Trains two steps, then a third during which a trace function raises
    `KeyboardInterrupt` at the `line`-th line event in minikeras code (never for 0).
    Returns the line events counted, whether fit raised, and the state after."""
    x, y = data()
    model = _model(optimizer, path)
    model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    seen = {"lines": 0}

    def local_trace(frame, event, arg):
        if event == "line":
            seen["lines"] += 1
            if seen["lines"] == line:
                raise KeyboardInterrupt(f"at line event {line}")
        return local_trace

    def trace(frame, event, arg):
        return local_trace if frame.f_code.co_filename.startswith(_PACKAGE) else None

    class Arm(minikeras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            sys.settrace(trace)

        def on_train_batch_end(self, batch, logs=None):
            sys.settrace(None)

    outer = sys.gettrace()
    raised = False
    try:
        model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0, callbacks=[Arm()])
    except KeyboardInterrupt:
        raised = True
    finally:
        sys.settrace(outer)
    after = state(model)
    model.evaluate(x, y, verbose=0)  # starts by clearing what the exception left
    left = (list(autodiff._tape_stack), list(call_context.depth), list(call_context._training))
    return seen["lines"], raised, after, left


# Every optimizer on the fused Dense step; three on the tape step, whose steps run about
# six times as many lines (plain SGD: `apply` instead of the fused update).
CASES = [(name, "dense_stack") for name in sorted(ATOMIC_OPTIMIZERS)] + [
    ("sgd", "tape"),
    ("adamw_amsgrad", "tape"),
    ("rmsprop_centered_momentum", "tape"),
]


@pytest.mark.parametrize("optimizer, path", CASES)
def test_an_exception_at_any_line_of_a_step_leaves_a_completed_step(optimizer, path):
    x, y = data()
    model = _model(optimizer, path)
    steps = []
    for _ in range(3):
        model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
        steps.append(state(model))
    lines, raised, after, left = _third_step_raising_at_line(optimizer, path, 0)
    assert not raised and same(after, steps[2]) and lines > 100
    clean = ([], [0], [None])
    assert left == clean
    for line in range(1, lines + 1):
        _, raised, after, left = _third_step_raising_at_line(optimizer, path, line)
        assert raised, line
        assert same(after, steps[1]) or same(after, steps[2]), (
            f"an exception at line event {line} of step 3 left a state of no step"
        )
        assert left == clean, (line, left)


def test_fit_clears_a_tape_and_a_layer_call_an_exception_left_active():
    # What an exception at the first line of a `finally` or `__exit__` leaves behind: a
    # tape still active after its `with` block, a layer call still counted as running.
    # The next `fit` (or `evaluate`, `predict`) starts by clearing both.
    x, y = data()
    model = make_model("adam")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)

    def left_active():
        minikeras.GradientTape().__enter__()  # its `with` block ends here without `__exit__`
        call_context.enter(True, nested=True)

    left_active()
    assert len(autodiff._tape_stack) == 1 and call_context.depth == [1]
    model.predict(x, verbose=0)
    assert autodiff._tape_stack == [] and call_context.depth == [0]
    assert call_context._training == [None]


def test_a_tape_whose_with_block_is_running_stays_active_through_predict():
    x, _ = data()
    model = make_model("adam")
    model.predict(x, verbose=0)
    kernel = model.layers[0].kernel
    with minikeras.GradientTape() as tape:
        out = model(x)
        model.predict(x, verbose=0)  # does not end the user's tape
        loss = minikeras.ops.sum(out)
    (grad,) = tape.gradient(loss, [kernel])
    assert grad is not None and grad.shape == kernel.shape and np.any(grad != 0)


def test_a_tape_another_thread_is_using_stays_active_through_predict():
    import threading

    x, _ = data()
    model = make_model("adam")
    model.predict(x, verbose=0)
    kernel = model.layers[0].kernel
    inside, predicted, result = threading.Event(), threading.Event(), {}

    def train():
        with minikeras.GradientTape() as tape:
            out = model(x)
            inside.set()
            predicted.wait(10)
            loss = minikeras.ops.sum(out)
        result["grad"] = tape.gradient(loss, [kernel])[0]

    worker = threading.Thread(target=train)
    worker.start()
    assert inside.wait(10)
    model.predict(x, verbose=0)  # in this thread, while the worker's tape is in use
    still_active = len(autodiff._tape_stack) == 1
    predicted.set()
    worker.join(10)
    assert still_active
    assert result["grad"] is not None and np.any(result["grad"] != 0)
