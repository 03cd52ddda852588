"""`Trainer`: `compile`, the training/test/predict steps, losses and metrics.

The step contract is Keras': `train_step(self, data)`, `test_step(self, data)` and
`predict_step(self, data)` receive one batch as the data iterator yields it (`x`,
`(x,)`, `(x, y)` or `(x, y, sample_weight)`) and the first two return the logs dict.
`make_train_function()` (and its test/predict siblings) decides once, per compile or
model change, which function `fit` calls per batch: the step above, or the fused Dense
step (`trainers/fused_step.py`) when the user did not override the step and the model,
loss, metrics and optimizer allow it. The loops themselves are in `epoch_loops.py`.
"""

from __future__ import annotations

import numpy as np

from minikeras import optimizers as optimizers_mod
from minikeras.backend.autodiff import GradientTape, value_of
from minikeras.metrics.metric import Metric
from minikeras.trainers import fused_step
from minikeras.trainers.compile_utils import (
    CompiledLoss,
    CompiledMetrics,
    LossesContainer,
    LossTracker,
    check_identifiers,
    check_targets,
    flatten_outputs,
    reduce_loss_terms,
    targets_as_list,
)
from minikeras.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight


class Trainer:
    """Compilation, the per-batch steps and the metrics, mixed into `Model`."""

    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self.loss = None
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self._in_fit = False
        self._compile_config = None
        self._tracked_metrics: list = []

    def __setattr__(self, name, value):
        # Metrics assigned as public attributes (`self.loss_tracker = Mean()`) join
        # `model.metrics`, so `fit`/`evaluate` reset them each epoch, as in Keras.
        if name[0] != "_" and isinstance(value, Metric) and not isinstance(value, CompiledMetrics):
            tracked = self.__dict__.get("_tracked_metrics")
            if tracked is not None and value not in tracked:
                tracked.append(value)
        super().__setattr__(name, value)

    # ------------------------------------------------------------------ compile

    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        loss_weights=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
        **kwargs,
    ) -> None:
        """Configures the model for training.

        Args:
            optimizer: Optimizer name (`"sgd"`, `"adam"`, ...) or instance.
            loss: Loss name, function or `Loss` instance; a list or dict for
                several outputs; None when `train_step` computes its own loss.
            metrics: List of metric names, functions or `Metric` instances
                (`"accuracy"`/`"acc"` resolved by loss and shapes, named as given).
            loss_weights: Weights of the per-output losses.
            weighted_metrics: Metrics that take `sample_weight`/`class_weight` into account.
            run_eagerly: Accepted for compatibility (minikeras always runs eagerly).
            steps_per_execution: Accepted for compatibility.
            jit_compile: Accepted for compatibility.
            auto_scale_loss: Accepted for compatibility.

        Raises:
            ValueError: for an unknown keyword argument, loss or metric name.
        """
        kwargs.pop("sample_weight_mode", None)
        kwargs.pop("target_tensors", None)
        kwargs.pop("distribute", None)
        if kwargs:
            raise ValueError(f"Invalid keyword argument(s) in `compile()`: {sorted(kwargs)}")
        self.optimizer = optimizers_mod.get(optimizer)
        check_identifiers(loss, metrics, weighted_metrics)
        self.loss = loss
        self._output_names = self._model_output_names()
        self._compiled_loss = CompiledLoss(loss, loss_weights, self._output_names)
        self._compiled_metrics = CompiledMetrics(
            metrics, weighted_metrics, loss, self._output_names, self._compiled_loss
        )
        # As Keras 3, the `compile_metrics` metric joins `model.metrics` only when
        # `metrics` or `weighted_metrics` is given.
        self._has_compile_metrics = metrics is not None or weighted_metrics is not None
        self._loss_tracker = LossTracker()
        self._per_output_trackers: list = []
        # tf.keras' names for the same objects (custom `train_step`s written for TF 2).
        self.compiled_loss = LossesContainer(self)
        self.compiled_metrics = self._compiled_metrics
        self.compiled = True
        self.stop_training = False
        self.train_function = self.test_function = self.predict_function = None
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "metrics": metrics,
            "loss_weights": loss_weights,
            "weighted_metrics": weighted_metrics,
        }

    def _model_output_names(self) -> list[str]:
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return [self.name]

    def _assert_compiled(self) -> None:
        if not self.compiled:
            raise NotCompiledError(
                "You must call `compile()` before using the model for training: no loss was "
                "configured. Call `model.compile(optimizer=..., loss=...)` first."
            )

    # ------------------------------------------------------------------ metrics

    @property
    def metrics(self) -> list:
        """The model's metrics, in Keras 3's order: the loss tracker, the compiled
        metrics (one `Metric` named `compile_metrics` whose result is a dict; present
        when `compile` was given `metrics` or `weighted_metrics`), the per-output loss
        trackers of a multi-output model (once built), then metrics assigned as
        attributes. `fit` and `evaluate` reset each of them at the start of every epoch."""
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._has_compile_metrics:
                out.append(self._compiled_metrics)
            out.extend(self._per_output_trackers)
        out.extend(self._tracked_metrics)
        return out

    @property
    def metrics_names(self) -> list[str]:
        """`[m.name for m in model.metrics]`, as Keras 3: `['loss', 'compile_metrics']` for
        a model compiled with metrics (the logs name each compiled metric)."""
        return [m.name for m in self.metrics]

    def _flatten_metrics_in_order(self, logs: dict):
        """`logs` as the list `evaluate()` and `*_on_batch()` return, as Keras 3 orders it:
        the values named by the metrics (compiled metrics by their own names), then the
        other entries by sorted key; a single value is returned alone."""
        names = []
        for m in self.metrics:
            if isinstance(m, CompiledMetrics):
                names.extend(m.object_names)
            else:
                names.append(m.name)
        results = [logs[name] for name in names if name in logs]
        results += [logs[key] for key in sorted(logs) if key not in names]
        return results[0] if len(results) == 1 else results

    def reset_metrics(self) -> None:
        """Resets the state of every metric in `model.metrics`."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict:
        """`{name: value}` of every metric in `model.metrics`, as Python floats."""
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return pythonify_logs(logs)

    # ------------------------------------------------------------------ loss

    def _build_compiled(self, y_list, preds) -> None:
        """Creates the per-output losses and the metrics from the first batch's shapes."""
        check_targets(y_list, preds)
        self._compiled_loss.build(len(preds))
        self._compiled_metrics.build(y_list, preds, self._compiled_loss)
        if len(preds) > 1:
            self._per_output_trackers = [LossTracker(name=f"{n}_loss") for n in self._output_names]

    def _output_masks_for(self, n: int):
        masks = self.__dict__.get("_output_masks")
        return masks if masks and len(masks) == n else None

    def _compute_compiled_loss(self, y, preds, sample_weight):
        """The compiled loss(es) only (None without a compiled loss); updates the
        per-output loss trackers of a multi-output model."""
        if not self.compiled:
            return None
        y_list = targets_as_list(y, len(preds), self._output_names)
        if not self._compiled_metrics.built:
            self._build_compiled(y_list, preds)
        total, per_output = self._compiled_loss.compute(
            y_list, preds, sample_weight, self._output_masks_for(len(preds))
        )
        if self._per_output_trackers:
            n = int(np.shape(value_of(preds[0]))[0])
            for tracker, value in zip(self._per_output_trackers, per_output):
                if value is not None:
                    tracker.add(float(value_of(value)), n)
        return total

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch: the compiled loss(es) plus `model.losses`.

        Override it to change how the loss is computed; the default `train_step` and
        `test_step` call it.

        Args:
            x: Input data (unused by the default).
            y: Targets.
            y_pred: The model's output for `x`.
            sample_weight: Per-sample weights.
            training: Whether the loss is for a training step.

        Returns:
            A scalar loss tensor.

        Raises:
            ValueError: if there is nothing to minimise (no compiled loss, no `add_loss`).
        """
        total = self._compute_compiled_loss(y, flatten_outputs(y_pred), sample_weight)
        extra = reduce_loss_terms(self.losses)
        if extra is not None:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()` or use "
                "`add_loss()` in the model."
            )
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Updates the compiled metrics and returns `get_metrics_result()`.

        Args:
            x: Input data (unused by the default).
            y: Targets.
            y_pred: The model's output for `x`.
            sample_weight: Per-sample weights.

        Returns:
            The logs dict `{name: value}`.
        """
        if self.compiled:
            preds = flatten_outputs(y_pred)
            y_list = targets_as_list(y, len(preds), self._output_names)
            if not self._compiled_metrics.built:
                self._build_compiled(y_list, preds)
            self._compiled_metrics.update(
                y_list, preds, sample_weight, self._output_masks_for(len(preds))
            )
        return self.get_metrics_result()

    # ------------------------------------------------------------------ the steps

    def train_step(self, data) -> dict:
        """One gradient update on a batch; returns the logs.

        Args:
            data: The batch as the data iterator yields it: `x`, `(x,)`, `(x, y)` or
                `(x, y, sample_weight)` (see `keras.utils.unpack_x_y_sample_weight`).

        Returns:
            `{metric name: value}` after this batch.
        """
        self._tape_train_step(data)
        return self.get_metrics_result()

    def _tape_train_step(self, data):
        """`train_step` without building the logs (`fit` reads them when it needs them)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
        variables = self.trainable_weights  # after the call: a lazy model builds in it
        grads = tape.gradient(loss, variables)
        self._loss_tracker.add(float(value_of(loss)), _batch_size(y_pred))
        self.optimizer.apply(grads, variables)
        self._update_compiled_metrics(y, y_pred, sample_weight)

    def _update_compiled_metrics(self, y, y_pred, sample_weight) -> None:
        preds = flatten_outputs(y_pred)
        self._compiled_metrics.update(
            targets_as_list(y, len(preds), self._output_names),
            preds,
            sample_weight,
            self._output_masks_for(len(preds)),
        )

    def test_step(self, data) -> dict:
        """Computes the loss and updates the metrics on a batch; returns the logs.

        Args:
            data: The batch, as for `train_step`.

        Returns:
            `{metric name: value}` after this batch.
        """
        self._tape_test_step(data)
        return self.get_metrics_result()

    def _tape_test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self._loss_tracker.add(float(value_of(loss)), _batch_size(y_pred))
        self._update_compiled_metrics(y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's inference output for a batch.

        Args:
            data: The batch, as for `train_step` (targets, if any, are ignored).

        Returns:
            The model's output(s) for the batch.
        """
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ------------------------------------------------------------------ choosing the step

    def _overrides(self, name: str) -> bool:
        """Whether the model's class (or instance) replaces `Trainer.<name>`."""
        if name in self.__dict__:
            return True
        return getattr(type(self), name) is not getattr(Trainer, name)

    def _default_steps(self) -> bool:
        """True when no step, loss or metric computation of ours is overridden."""
        return not any(
            self._overrides(n)
            for n in ("train_step", "test_step", "compute_loss", "compute_metrics", "metrics")
        )

    def make_train_function(self, force=False):
        """The function `fit` and `train_on_batch` call per batch (`data -> logs or None`).

        The fused Dense step when the model, loss, metrics and optimizer allow it and
        the user overrode no step; else the tape step (`train_step`). A function
        returning None leaves the logs to `get_metrics_result()`. Chosen once per
        compile or model change.

        Args:
            force: Choose again even if nothing changed.
        """
        key = fused_step.signature(self)
        if self.train_function is not None and not force and self._train_key == key:
            return self.train_function
        plan = fused_step.plan(self) if self._default_steps() else None
        if plan is not None and plan.loss_kind is not None:
            self.train_function = fused_step.FusedTrainFunction(self, plan)
        elif self._overrides("train_step"):
            self.train_function = self.train_step
        else:
            self.train_function = self._tape_train_step
        self._train_key = key
        return self.train_function

    def make_test_function(self, force=False):
        """The function `evaluate` calls per batch (see `make_train_function`)."""
        key = fused_step.signature(self)
        if self.test_function is not None and not force and self._test_key == key:
            return self.test_function
        plan = fused_step.plan(self) if self._default_steps() else None
        if plan is not None and plan.loss_kind is not None:
            self.test_function = fused_step.FusedTestFunction(self, plan)
        elif self._overrides("test_step"):
            self.test_function = self.test_step
        else:
            self.test_function = self._tape_test_step
        self._test_key = key
        return self.test_function

    def make_predict_function(self, force=False):
        """The function `predict` calls per batch (`data -> outputs`): the fused Dense
        forward for a plain Dense stack, else `predict_step`."""
        key = fused_step.signature(self)
        if self.predict_function is not None and not force and self._predict_key == key:
            return self.predict_function
        plan = None if self._overrides("predict_step") else fused_step.plan(self)
        if plan is not None:
            self.predict_function = fused_step.FusedPredictFunction(self, plan)
        else:
            self.predict_function = self.predict_step
        self._predict_key = key
        return self.predict_function


def _batch_size(y_pred) -> int:
    first = y_pred if not isinstance(y_pred, (list, tuple, dict)) else flatten_outputs(y_pred)[0]
    return int(np.shape(value_of(first))[0])


def pythonify_logs(logs: dict) -> dict:
    """Logs with 0-d values as Python floats and nested dicts flattened, keys sorted at
    each level (as Keras 3: `{"loss", "compile_metrics": {"mae"}}` gives `mae, loss`)."""
    out = {}
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        if not isinstance(value, float):
            arr = np.asarray(value_of(value))
            value = float(arr) if arr.ndim == 0 else arr
        out[key] = value
    return out


class NotCompiledError(RuntimeError, ValueError):
    """Training or evaluating a model that was never compiled: a `ValueError` as in
    Keras 3, and a `RuntimeError` as in Keras 2, so either `except` catches it."""
