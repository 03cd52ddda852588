"""Per-phase cost of one training step (xor net) and of single-sample inference (MLP).

Thread CPU time, best of 5 × N calls: the steadiest figure on a shared machine. Run it
on two checkouts alternately to compare them::

    python benchmarks/phases.py
"""

from __future__ import annotations

import os
import sys
import time
import timeit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

from benchmarks import common, workloads  # noqa: E402
from minikeras.backend.autodiff import GradientTape  # noqa: E402


def best_us(fn, n, repeat=5) -> float:
    return min(timeit.repeat(fn, number=n, repeat=repeat, timer=time.thread_time)) / n * 1e6


def xor_phases() -> dict:
    x, y = common.xor_data()
    model = workloads.build_xor()
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    variables = model.trainable_weights
    with GradientTape(persistent=True) as tape:
        y_pred = model(x, training=True)
        loss, y_list, preds = model.compute_loss(x, y, y_pred, None)
    grads = tape.gradient(loss, variables)

    def forward():
        with GradientTape():
            model(x, training=True)

    def forward_loss():
        with GradientTape():
            model.compute_loss(x, y, model(x, training=True), None)

    def weights():
        model._clear_losses()
        return model.trainable_weights

    from minikeras.trainers.dense_stack import cached_plan

    plan = cached_plan(model)  # the tape-free step `fit` takes for this net
    plan_grads = plan.train_step(x, y)[1]

    def epoch_loop_only():
        model.train_step = lambda *args: None  # the fit loop with an empty step
        try:
            model.fit(x, y, epochs=100, batch_size=4, verbose=0)
        finally:
            del model.train_step

    return {
        "DenseStack step (no optimizer)": best_us(lambda: plan.train_step(x, y), 1000),
        "optimizer (DenseStack grads)": best_us(
            lambda: model.optimizer.apply(plan_grads, plan.variables), 1000
        ),
        "fit epoch loop, empty step": best_us(epoch_loop_only, 20) / 100,
        "fit, per epoch of 500": best_us(
            lambda: model.fit(x, y, epochs=500, batch_size=4, verbose=0), 2
        )
        / 500,
        "tape: weights + clear losses": best_us(weights, 1000),
        "tape: forward": best_us(forward, 1000),
        "tape: forward + loss": best_us(forward_loss, 1000),
        "tape: gradient": best_us(lambda: tape.gradient(loss, variables), 1000),
        "optimizer": best_us(lambda: model.optimizer.apply(grads, variables), 1000),
        "trackers": best_us(lambda: model._update_trackers(0.5, y_list, preds, None), 1000),
        "train_on_batch": best_us(lambda: model.train_on_batch(x, y), 1000),
        "fit 1 epoch": best_us(lambda: model.fit(x, y, epochs=1, batch_size=4, verbose=0), 1000),
    }


def predict_phases() -> dict:
    model = workloads.build_mlp()
    x, _ = common.mlp_data(n=1)
    model.predict(x, verbose=0)
    w = [v.value for v in model.weights]

    def raw():
        h = np.maximum(x @ w[0] + w[1], 0)
        h = np.maximum(h @ w[2] + w[3], 0)
        z = h @ w[4] + w[5]
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    return {
        "mlp predict": best_us(lambda: model.predict(x, verbose=0), 2000),
        "mlp predict_on_batch": best_us(lambda: model.predict_on_batch(x), 2000),
        "mlp model(x)": best_us(lambda: model(x), 2000),
        "raw numpy forward": best_us(raw, 2000),
    }


def xor_step_split(steps=500, rounds=15) -> dict:
    """The xor step built up piece by piece inside one loop (cumulative, per step).

    Isolated phases above miss what the pieces cost together; this times 500 steps of:
    the DenseStack plan; + plain SGD applied in it; + the metrics; the whole `train_step`; `fit`.
    """
    from minikeras.optimizers.sgd import plain_sgd_rate
    from minikeras.trainers.dense_stack import cached_plan

    x, y = common.xor_data()
    model = workloads.build_xor()
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    plan, opt, metrics = cached_plan(model), model.optimizer, model._compiled_metrics

    def plan_only():
        for _ in range(steps):
            plan.train_step(x, y)

    def with_optimizer():  # plain SGD, applied inside the plan's backward as `fit` does
        for _ in range(steps):
            plan.train_step(x, y, plain_sgd_rate(opt, plan.dtype))

    def with_metrics():
        for _ in range(steps):
            loss, _, out = plan.train_step(x, y, plain_sgd_rate(opt, plan.dtype))
            model._loss_tracker.add(float(loss), 4)
            metrics.update([y], [out])

    def train_step():
        for _ in range(steps):
            model.train_step(x, y, None)

    def fit():
        model.fit(x, y, epochs=steps, batch_size=4, verbose=0)

    cases = {
        "loop: plan": plan_only,
        "loop: + SGD (in the plan)": with_optimizer,
        "loop: + metrics": with_metrics,
        "loop: train_step": train_step,
        "loop: fit": fit,
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):  # interleaved, so a slow spell of the machine hits them all
        for name, fn in cases.items():
            t0 = time.thread_time()
            fn()
            best[name] = min(best[name], (time.thread_time() - t0) / steps * 1e6)
    return best


def lstm_phases() -> dict:
    """One batch of the `lstm` workload: forward on the tape, gradient, whole step."""
    from minikeras import layers
    from minikeras.models import Sequential

    workloads._mk()  # seeds, as the workloads do
    model = Sequential(
        [
            layers.Input(shape=(common.LSTM_SEQ,), dtype="int32"),
            layers.Embedding(common.LSTM_VOCAB, 32),
            layers.LSTM(32),
            layers.Dense(1, activation="sigmoid"),
        ]
    )  # the `lstm` workload
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = common.lstm_data(n=common.LSTM_BATCH)
    model.fit(x, y, batch_size=common.LSTM_BATCH, epochs=1, verbose=0)
    variables = model.trainable_weights

    def forward():
        with GradientTape():
            model(x, training=True)

    with GradientTape(persistent=True) as tape:
        loss = model.compute_loss(x, y, model(x, training=True), None)[0]
    return {
        "lstm batch: forward on tape": best_us(forward, 20),
        "lstm batch: gradient": best_us(lambda: tape.gradient(loss, variables), 20),
        "lstm batch: train_step": best_us(lambda: model.train_step(x, y, None), 20),
    }


if __name__ == "__main__":
    parts = {**xor_phases(), **xor_step_split(), **predict_phases(), **lstm_phases()}
    for name, us in parts.items():
        print(f"{name:32s} {us:9.1f} us")
