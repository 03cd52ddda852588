"""Any interrupt during `fit` leaves the weights of some completed training step.

A `SIGALRM` handler raising `KeyboardInterrupt` fires at random moments of training,
from a timer, so at whatever point of the step or of `fit`'s own bookkeeping the
signal lands; after each interrupt the weights and the optimizer's slots must equal
those after some step of the same training run without interrupts, and the handlers
`fit` found must be back in place.
"""

from __future__ import annotations

import signal
import time

import numpy as np
import pytest

import minikeras
from minikeras import layers

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
