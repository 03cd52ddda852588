"""`Trainer`: `compile`, `fit`, `evaluate`, `predict` and their batch-level variants."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras import optimizers as optimizers_mod
from minikeras.backend import config
from minikeras.backend.autodiff import GradientTape, value_of
from minikeras.callbacks.callback import CallbackList
from minikeras.callbacks.history import History
from minikeras.callbacks.progbar_logger import ProgbarLogger
from minikeras.layers.node import flatten
from minikeras.ops.nn import typed_scalar
from minikeras.optimizers.sgd import plain_sgd_rate
from minikeras.trainers import data_adapter
from minikeras.trainers.compile_utils import (
    CompiledLoss,
    CompiledMetrics,
    LossTracker,
    check_identifiers,
    reduce_loss_terms,
)
from minikeras.trainers.dense_stack import cached_plan
from minikeras.utils.interrupt_guard import deferred_interrupts, interrupt_guard


def _resolve_verbose(verbose) -> int:
    if verbose == "auto" or verbose is None:
        return 1
    return int(verbose)


class Trainer:
    """Training and inference methods mixed into `Model`."""

    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._in_fit = False
        self._compile_config = None

    # ------------------------------------------------------------------ compile

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs) -> None:
        """Configures the model for training.

        Args:
            optimizer: Optimizer name (`"sgd"`, `"adam"`, ...) or instance.
            loss: Loss name, function or `Loss` instance; a list or dict for
                several outputs.
            metrics: List of metric names, functions or `Metric` instances
                (`"accuracy"`/`"acc"` resolved by loss and shapes, named as given).
            loss_weights: Weights of the per-output losses.
            weighted_metrics: Metrics that take `sample_weight`/`class_weight` into account.
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
        self._compiled_metrics = CompiledMetrics(metrics, weighted_metrics, loss,
                                                 self._output_names)
        self._loss_tracker = LossTracker()
        self._per_output_trackers: list = []
        self.compiled = True
        self.stop_training = False
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics,
                                "loss_weights": loss_weights,
                                "weighted_metrics": weighted_metrics}

    def _model_output_names(self) -> list[str]:
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return [self.name]

    @property
    def metrics_names(self) -> list[str]:
        if not self.compiled:
            return []
        names = ["loss"] + [t.name for t in self._per_output_trackers]
        return names + [m.name for _, m, _ in self._compiled_metrics.metrics]

    @property
    def metrics(self) -> list:
        if not self.compiled:
            return []
        return [self._loss_tracker] + [m for _, m, _ in self._compiled_metrics.metrics]

    def _assert_compiled(self) -> None:
        if not self.compiled:
            raise RuntimeError(
                "You must call `compile()` before using the model for training: no loss was "
                "configured. Call `model.compile(optimizer=..., loss=...)` first.")
        # compile(loss=None) is valid when the model adds its own losses (`add_loss`);
        # compute_loss() raises a clear error when there is nothing to minimise.

    # ------------------------------------------------------------------ one step

    def _as_list(self, y, n):
        if y is None:
            return [None] * n
        if isinstance(y, dict):
            return [y.get(name) for name in self._output_names]
        if n > 1:
            if not isinstance(y, (list, tuple)) or len(y) != n:
                raise ValueError(
                    f"The model has {n} outputs, so `y` should be a list of {n} arrays (or a "
                    f"dict keyed by output name {self._output_names}). Received: "
                    f"{type(y).__name__}")
            return list(y)
        if isinstance(y, (list, tuple)) and len(y) == 1:
            return [y[0]]
        return [y]

    def _check_targets(self, y_list, pred_list) -> None:
        for yt, yp in zip(y_list, pred_list):
            if yt is None:
                continue
            if np.shape(yt)[0] != np.shape(value_of(yp))[0]:
                raise ValueError(
                    f"Data cardinality is ambiguous: x sizes: {np.shape(value_of(yp))[0]}, "
                    f"y sizes: {np.shape(yt)[0]}. Make sure all arrays contain the same number "
                    "of samples.")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Total loss: compiled loss(es) plus regularization and `add_loss` terms."""
        preds = flatten(y_pred) if isinstance(y_pred, (list, tuple, dict)) else [y_pred]
        y_list = self._as_list(y, len(preds))
        if not self._compiled_metrics.built:
            self._check_targets(y_list, preds)
            self._compiled_loss.build(len(preds))
            self._compiled_metrics.build(y_list, preds, self._compiled_loss)
            if len(preds) > 1:
                from minikeras.trainers.compile_utils import LossTracker as _T

                self._per_output_trackers = [_T(name=f"{n}_loss") for n in self._output_names]
        masks = getattr(self, "_output_masks", None)
        self._last_masks = masks if masks and len(masks) == len(preds) else None
        total, per_output = self._compiled_loss(y_list, preds, sample_weight, self._last_masks)
        self._last_per_output = per_output
        extra = reduce_loss_terms(self.losses)
        if extra is not None:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()` or use "
                "`add_loss()` in the model.")
        return total, y_list, preds

    def _loss_plan(self, x, y, sample_weight):
        """The `DenseStack` that can run this batch's step, or None (the tape step runs)."""
        if sample_weight is not None or not self._compiled_metrics.built:
            return None
        plan = self.__dict__.get("_epoch_plan")  # fit looks the plan up once an epoch
        if plan is None:
            plan = cached_plan(self) or False
            if self._in_fit:
                object.__setattr__(self, "_epoch_plan", plan)
        return plan if plan and plan.loss_kind is not None and plan.accepts(x, y) else None

    def train_step(self, x, y, sample_weight):
        plan = self._loss_plan(x, y, sample_weight)
        if plan is not None:
            return self._dense_stack_step(plan, x, y)
        self._clear_losses()
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss, y_list, preds = self.compute_loss(x, y, y_pred, sample_weight)
        variables = self.trainable_weights  # after the call: a lazy model builds in it
        grads = tape.gradient(loss, variables)
        loss_value = float(value_of(loss))
        self.optimizer.apply(grads, variables)
        self._update_trackers(loss_value, y_list, preds, sample_weight)

    def _dense_stack_step(self, plan, x, y) -> None:
        """`train_step` for a plain Dense stack: the same arithmetic without the tape."""
        optimizer = self.optimizer
        sgd_rate = plain_sgd_rate(optimizer, plan.dtype)
        if sgd_rate is None:
            loss, grads, out = plan.train_step(x, y)
            loss_value = float(loss)
            optimizer.apply(grads, plan.variables)
        else:  # plain SGD: each variable updated in the backward pass, as `apply` would
            with deferred_interrupts():
                loss, _, out = plan.train_step(x, y, sgd_rate)
                counter = optimizer.iterations.value
                np.add(counter, typed_scalar(1, counter.dtype), out=counter)  # `+= 1`
                for v in plan.variables:
                    if v.constraint is not None:
                        v.assign(v.constraint(v.value))
            loss_value = float(loss)
        state = self.__dict__
        if state.get("_output_masks") is not None:
            self._output_masks = None
        if state.get("_last_masks") is not None:
            self._last_masks = None
        self._update_plan_trackers(loss_value, y, out)

    def _update_plan_trackers(self, loss_value, y, out) -> None:
        """`_update_trackers` for a plan's single output (no masks, no sample weights)."""
        self._loss_tracker.add(loss_value, out.shape[0])
        self._compiled_metrics.update([y], [out])

    def test_step(self, x, y, sample_weight):
        plan = self._loss_plan(x, y, sample_weight)
        if plan is not None:
            loss, out = plan.test_step(x, y)
            self._update_plan_trackers(float(loss), y, out)
            return
        self._clear_losses()
        y_pred = self(x, training=False)
        loss, y_list, preds = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._update_trackers(float(value_of(loss)), y_list, preds, sample_weight)

    def _update_trackers(self, loss_value, y_list, preds, sample_weight) -> None:
        n = int(np.shape(value_of(preds[0]))[0])
        self._loss_tracker.add(loss_value, n)
        for tracker, value in zip(self._per_output_trackers, self._last_per_output):
            if value is not None:
                tracker.add(float(value_of(value)), n)
        self._compiled_metrics.update(y_list, preds, sample_weight,
                                      getattr(self, "_last_masks", None))

    def _reset_metrics(self) -> None:
        self._loss_tracker.reset_state()
        for t in self._per_output_trackers:
            t.reset_state()
        self._compiled_metrics.reset()

    def reset_metrics(self) -> None:
        """Resets the state of all metrics."""
        if self.compiled:
            self._reset_metrics()

    def _logs(self) -> dict:
        logs = {"loss": float(self._loss_tracker.result())}
        for t in self._per_output_trackers:
            logs[t.name] = float(t.result())
        for _, m, _ in self._compiled_metrics.metrics:
            r = np.asarray(value_of(m.result()))
            logs[m.name] = float(r) if r.ndim == 0 else r  # F1Score(average=None): per class
        return logs

    # ------------------------------------------------------------------ fit

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains the model for a fixed number of epochs.

        Args:
            x: Input data (array, list/dict of arrays, generator or Sequence).
            y: Targets.
            batch_size: Samples per gradient update (default 32).
            epochs: Number of epochs (legacy `nb_epoch` accepted).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch, "auto" = 1.
            callbacks: List of `Callback`s.
            validation_split: Fraction of the data (taken from the end, before
                shuffling) held out for validation.
            validation_data: `(x_val, y_val)` or `(x_val, y_val, sample_weight)`.
            shuffle: Whether to shuffle the training data each epoch.
            class_weight: `{class: weight}` to weight the loss per sample.
            sample_weight: Per-sample weights.
            initial_epoch: Epoch at which to start (to resume training).
            steps_per_epoch: Batches per epoch (needed for generators).

        Returns:
            A `History` whose `history` dict holds the epoch logs.
        """
        if "nb_epoch" in kwargs:
            warnings.warn("The `nb_epoch` argument in `fit` has been renamed `epochs`.",
                          DeprecationWarning, stacklevel=2)
            epochs = kwargs.pop("nb_epoch")
        kwargs.pop("max_queue_size", None)
        kwargs.pop("workers", None)
        kwargs.pop("use_multiprocessing", None)
        if kwargs:
            raise TypeError(f"fit() got unexpected keyword arguments: {sorted(kwargs)}")
        self._assert_compiled()
        verbose = _resolve_verbose(verbose)
        if validation_split and validation_data is None:
            if data_adapter.is_generator_like(x):
                raise ValueError("`validation_split` is only supported for array inputs.")
            x = data_adapter._to_array(x, "x")
            y = data_adapter._to_array(y, "y")
            n = data_adapter.num_samples(x)
            split = int(n * (1.0 - validation_split))
            if split == 0 or split == n:
                raise ValueError(
                    f"validation_split={validation_split} leaves no training or no validation "
                    f"samples out of {n}.")
            sl_tr, sl_val = slice(0, split), slice(split, n)
            validation_data = (data_adapter.slice_data(x, sl_val),
                               data_adapter.slice_data(y, sl_val))
            if sample_weight is not None:
                sw = np.asarray(sample_weight)
                validation_data = (*validation_data, sw[sl_val])
                sample_weight = sw[sl_tr]
            x = data_adapter.slice_data(x, sl_tr)
            y = data_adapter.slice_data(y, sl_tr)
        if class_weight is not None and y is not None:
            cw = data_adapter.class_weight_to_sample_weight(
                y if not isinstance(y, (list, dict)) else flatten(y)[0], class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        batches = data_adapter.make_batches(x, y, sample_weight, batch_size=batch_size,
                                            shuffle=shuffle, steps=steps_per_epoch,
                                            check_finite=True)
        if (isinstance(batches, data_adapter.ArrayBatches) and batches.y is None
                and self._compiled_loss.spec is not None):
            raise ValueError(
                "`fit()` needs targets: pass `y` (or a generator yielding (x, y) pairs).")
        if isinstance(batches, data_adapter.ArrayBatches) and batches.n == 0:
            raise ValueError("Expected input data to be non-empty: `x` has 0 samples.")
        val_batches = None
        if validation_data is not None:
            val_batches = self._validation_batches(validation_data, validation_batch_size or
                                                   batch_size, validation_steps)
        epochs, max_steps = _fit_limits(epochs, batches.steps)
        history = History()
        cb_list = list(callbacks or [])
        if verbose:
            cb_list.append(ProgbarLogger())
        cb_list.append(history)
        cbs = CallbackList(cb_list, model=self, epochs=epochs, steps=max_steps, verbose=verbose)
        self.stop_training = False
        self._in_fit = True
        batch_hooks = cbs.has_batch_hooks("train")
        self.history = history  # up to date even if fit is interrupted
        cbs.on_train_begin()
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch  # BackupAndRestore
        self._initial_epoch = None
        logs = {}
        object.__setattr__(self, "_epoch_plan", None)
        guard = interrupt_guard()
        guard.__enter__()
        try:
            for epoch in range(initial_epoch, epochs):
                if callbacks:  # a callback may change the model (e.g. unfreeze layers)
                    object.__setattr__(self, "_epoch_plan", None)
                self._reset_metrics()
                cbs.on_epoch_begin(epoch)
                for step, (xb, yb, swb) in enumerate(batches.epoch()):
                    if step == max_steps:
                        break
                    if batch_hooks:
                        cbs.on_train_batch_begin(step)
                    self.train_step(xb, yb, swb)
                    if batch_hooks:
                        cbs.on_train_batch_end(step, self._logs())
                    if self.stop_training:
                        break
                logs = self._logs()
                if val_batches is not None and _should_validate(epoch, validation_freq):
                    val_logs = self._run_evaluation(val_batches, cbs)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        finally:
            self._in_fit = False
            object.__setattr__(self, "_epoch_plan", None)
            guard.__exit__(None, None, None)
            if epochs > initial_epoch and hasattr(self.optimizer, "finalize_variable_values"):
                self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(logs)
        self.history = history
        return history

    def _validation_batches(self, validation_data, batch_size, steps):
        if data_adapter.is_generator_like(validation_data):
            return data_adapter.make_batches(validation_data, steps=steps)
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "`validation_data` should be a tuple `(x_val, y_val)` or "
                "`(x_val, y_val, val_sample_weight)`. Received: "
                f"{type(validation_data).__name__} of length {len(validation_data)}")
        xv, yv = validation_data[0], validation_data[1]
        swv = validation_data[2] if len(validation_data) == 3 else None
        return data_adapter.make_batches(xv, yv, swv, batch_size=batch_size, steps=steps)

    def _run_evaluation(self, batches, cbs=None) -> dict:
        self._reset_metrics()
        if cbs is not None:
            cbs.on_test_begin()
        for step, (xb, yb, swb) in enumerate(batches.epoch()):
            if cbs is not None:
                cbs.on_test_batch_begin(step)
            self.test_step(xb, yb, swb)
            if cbs is not None:
                cbs.on_test_batch_end(step, self._logs())
        logs = self._logs()
        if cbs is not None:
            cbs.on_test_end(logs)
        return logs

    # ------------------------------------------------------------------ evaluate / predict

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Returns the loss (and metrics) on the given data.

        Returns:
            A scalar loss if there are no metrics, else `[loss, metric1, ...]`
            (a dict with `return_dict=True`).
        """
        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword arguments: {sorted(kwargs)}")
        self._assert_compiled()
        verbose = _resolve_verbose(verbose)
        batches = data_adapter.make_batches(x, y, sample_weight, batch_size=batch_size,
                                            steps=steps)
        cb_list = list(callbacks or [])
        if verbose:
            cb_list.append(ProgbarLogger())
        cbs = CallbackList(cb_list, model=self, epochs=1, steps=batches.steps, verbose=verbose)
        logs = self._run_evaluation(batches, cbs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """Generates output predictions for the input samples, batch by batch.

        Returns:
            NumPy array(s) of predictions.
        """
        if (type(x) is np.ndarray and x.ndim == 2 and verbose == 0 and not callbacks
                and not kwargs and steps is None and x.dtype.kind == "f"
                and 0 < len(x) <= int(batch_size or 32)):
            plan = cached_plan(self)  # a plain Dense stack: its forward, nothing else
            if plan is not None and plan.accepts(x) and x.dtype == plan.dtype:
                return plan.predict(x)
        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"predict() got unexpected keyword arguments: {sorted(kwargs)}")
        verbose = _resolve_verbose(verbose)
        if (not verbose and not callbacks and steps is None and type(x) is np.ndarray
                and x.ndim and 0 < len(x) <= int(batch_size or 32)):
            # One batch and no hook to call: the same computation without the batching
            # and callback machinery (single-sample latency).
            xb = data_adapter._to_array(x, "x")
            return _concat([self._predict_batch(xb[0:len(xb)], cached_plan(self))])
        batches = data_adapter.make_batches(x, None, None, batch_size=batch_size, steps=steps)
        cb_list = list(callbacks or [])
        if verbose:
            cb_list.append(ProgbarLogger())
        cbs = CallbackList(cb_list, model=self, epochs=1, steps=batches.steps, verbose=verbose)
        cbs.on_predict_begin()
        outputs = []
        plan = cached_plan(self)
        for step, (xb, _, _) in enumerate(batches.epoch()):
            cbs.on_predict_batch_begin(step)
            outputs.append(self._predict_batch(xb, plan))
            cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Expected input data to be non-empty: `x` has 0 samples.")
        return _concat(outputs)

    # ------------------------------------------------------------------ batch-level

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """Runs one gradient update on a single batch; returns loss (and metrics)."""
        self._assert_compiled()
        x = data_adapter._to_array(x, "x")
        y = data_adapter._to_array(y, "y")
        if class_weight is not None:
            cw = data_adapter.class_weight_to_sample_weight(flatten(y)[0], class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        if reset_metrics:
            self._reset_metrics()
        self.train_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        """Evaluates the model on a single batch; returns loss (and metrics)."""
        self._assert_compiled()
        if reset_metrics:
            self._reset_metrics()
        self.test_step(data_adapter._to_array(x, "x"), data_adapter._to_array(y, "y"),
                       sample_weight)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        """Returns predictions for a single batch."""
        return self._predict_batch(data_adapter._to_array(x, "x"), cached_plan(self))

    def _predict_batch(self, x, plan):
        """The model's inference output for one batch: the plan's forward when it fits."""
        if plan is not None and plan.accepts(x):
            return plan.predict(x)
        return _to_numpy(self(x, training=False))

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------------ legacy Keras 2 API

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2 `Sequential.predict_classes`: arg-max classes, or 0/1 for one output unit.

        Deprecated in Keras 2.6 and removed in Keras 3; kept so old tutorials run.
        """
        warnings.warn(
            "`model.predict_classes()` is deprecated. Please use instead: "
            "`np.argmax(model.predict(x), axis=-1)` (multi-class) or "
            "`(model.predict(x) > 0.5).astype('int32')` (binary).",
            DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2 `Sequential.predict_proba`: same as `predict` (deprecated)."""
        warnings.warn("`model.predict_proba()` is deprecated. Please use `model.predict()`.",
                      DeprecationWarning, stacklevel=2)
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      class_weight=None, initial_epoch=0, shuffle=True, **kwargs):
        """Keras 2 alias of `fit` for generators (deprecated)."""
        warnings.warn("`Model.fit_generator` is deprecated. Please use `Model.fit`, which "
                      "supports generators.", DeprecationWarning, stacklevel=2)
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, class_weight=class_weight,
                        initial_epoch=initial_epoch, shuffle=shuffle, **kwargs)

    def evaluate_generator(self, generator, steps=None, verbose=0, **kwargs):
        """Keras 2 alias of `evaluate` for generators (deprecated)."""
        warnings.warn("`Model.evaluate_generator` is deprecated. Please use `Model.evaluate`.",
                      DeprecationWarning, stacklevel=2)
        return self.evaluate(generator, steps=steps, verbose=verbose, **kwargs)

    def predict_generator(self, generator, steps=None, verbose=0, **kwargs):
        """Keras 2 alias of `predict` for generators (deprecated)."""
        warnings.warn("`Model.predict_generator` is deprecated. Please use `Model.predict`.",
                      DeprecationWarning, stacklevel=2)
        return self.predict(generator, steps=steps, verbose=verbose, **kwargs)


def _should_validate(epoch: int, validation_freq) -> bool:
    """Keras: an int runs validation every `n` epochs; a list names the (1-based) epochs."""
    if isinstance(validation_freq, int) and not isinstance(validation_freq, bool):
        if validation_freq < 1:
            raise ValueError(
                f"`validation_freq` must be a positive integer or a list of epochs. Received: "
                f"validation_freq={validation_freq}")
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set, range)):
        return epoch + 1 in validation_freq
    raise ValueError(
        "`validation_freq` must be a positive integer or a list of epochs. Received: "
        f"validation_freq={validation_freq!r}")


def _to_numpy(out):
    if isinstance(out, (list, tuple)):
        return [_to_numpy(o) for o in out]
    if isinstance(out, dict):
        return {k: _to_numpy(v) for k, v in out.items()}
    return np.asarray(value_of(out))


def _concat(outputs):
    first = outputs[0]
    if isinstance(first, list):
        return [np.concatenate([o[i] for o in outputs]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: np.concatenate([o[k] for o in outputs]) for k in first}
    return np.concatenate(outputs)


def _fit_limits(epochs: int, steps) -> tuple:
    """`epochs` and steps per epoch capped by `keras.config.set_max_epochs` / `_steps_...`."""
    cap_epochs, cap_steps = config.max_epochs(), config.max_steps_per_epoch()
    if cap_epochs is not None:
        epochs = min(epochs, cap_epochs)
    if cap_steps is not None:
        steps = cap_steps if steps is None else min(steps, cap_steps)
    return epochs, steps
