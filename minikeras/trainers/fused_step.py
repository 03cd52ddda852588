"""The fused Dense step as the functions `make_train_function()` and its siblings return.

For a plain `Dense`/`Activation` stack (`trainers/dense_stack.py`) the step runs the
same float32 arithmetic as the tape step without recording a tape. `Trainer` chooses
these functions once per compile or model change (see `signature`); `fit` checks once
per call that its data suit them (`accepts`): plain arrays of the plan's shapes, no
sample weights.
"""

from __future__ import annotations

import numpy as np

from minikeras.optimizers.sgd import plain_sgd_rate
from minikeras.optimizers.update_program import UpdateProgram
from minikeras.trainers.dense_stack import plan_for
from minikeras.utils.interrupt_guard import deferred_interrupts


def signature(model) -> tuple:
    """What the choice of step depends on; a change (new layer, trainable flag,
    activation, compile, the loss built on the first batch) makes it again."""
    compiled = model.__dict__.get("_compiled_loss")
    parts = [
        model.built,
        model.trainable,
        id(model.optimizer),
        id(compiled),
        compiled is not None and compiled.built,
        len(model._losses),
    ]
    for layer in model._layers:
        parts.append(id(layer))
        parts.append(layer.trainable)
        parts.append(id(getattr(layer, "activation", None)))
        parts.append(getattr(layer, "rate", None))
    return tuple(parts)


def plan(model):
    """The model's `DenseStack`, or None when only the generic step can run it."""
    return plan_for(model)


class _Fused:
    """A fused function for `model` with `plan`; `accepts` tells which data it takes."""

    def __init__(self, model, plan):
        self.model = model
        self.plan = plan

    def accepts(self, x, y=None, sample_weight=None) -> bool:
        """Whether batches of `x` (and `y`) suit the plan: plain arrays of its shapes."""
        if sample_weight is not None:
            return False
        return self.plan.accepts(x, y)


class FusedTrainFunction(_Fused):
    """`train_step` for a plain Dense stack: called with `(x, y)`, returns None (the
    logs are the metrics' results, read when needed)."""

    def __call__(self, data) -> None:
        x, y = data
        model, plan = self.model, self.plan
        optimizer = model.optimizer
        sgd_rate = plain_sgd_rate(optimizer, plan.dtype)
        if sgd_rate is None:
            loss, grads, out = plan.train_step(x, y)
            loss_value = float(loss)
            optimizer.apply(grads, plan.variables)
        else:  # plain SGD: each step computed in the backward pass, committed as `apply` does
            with deferred_interrupts():
                update = UpdateProgram()
                loss, _, out = plan.train_step(x, y, sgd_rate, update.append)
                optimizer._record_step_count(update.append)
                update.run()
                for v in plan.variables:
                    if v.constraint is not None:
                        v.assign(v.constraint(v.value))
            loss_value = float(loss)
        model._loss_tracker.add(loss_value, out.shape[0])
        model._compiled_metrics.update([y], [out])


class FusedTestFunction(_Fused):
    """`test_step` for a plain Dense stack (inference forward, loss, metrics)."""

    def __call__(self, data) -> None:
        x, y = data
        loss, out = self.plan.test_step(x, y)
        self.model._loss_tracker.add(float(loss), out.shape[0])
        self.model._compiled_metrics.update([y], [out])


class FusedPredictFunction(_Fused):
    """`predict_step` for a plain Dense stack: called with `x`, returns the output array."""

    def __call__(self, x) -> np.ndarray:
        return self.plan.predict(x)
