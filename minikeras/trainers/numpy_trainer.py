"""`fit`, `evaluate`, `predict` and their batch-level variants.

The loops of `keras/src/backend/jax/trainer.py`, on NumPy: an epoch iterator (the data
adapter), the step function chosen once by `make_train_function()` and its siblings,
and a `CallbackList` that passes a logs dict to every hook.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.callbacks.callback import Callback, CallbackList
from minikeras.callbacks.history import History
from minikeras.callbacks.progbar_logger import ProgbarLogger
from minikeras.legacy.arguments import renamed_argument
from minikeras.trainers import data_adapter
from minikeras.trainers.data_adapters.data_adapter_utils import train_validation_split
from minikeras.trainers.fused_step import _Fused
from minikeras.trainers.input_checks import check_model_inputs
from minikeras.trainers.stale_state import clear_stale_state
from minikeras.trainers.trainer import Trainer, pythonify_logs
from minikeras.utils.interrupt_guard import interrupt_guard

_IGNORED_LOOP_KWARGS = ("max_queue_size", "workers", "use_multiprocessing")


def _resolve_verbose(verbose) -> int:
    if verbose == "auto" or verbose is None:
        return 1
    return int(verbose)


def _packed(batches):
    """The adapter's `(x, y, sample_weight)` triples as `(x,)`, `(x, y)` or all three."""
    for xb, yb, swb in batches:
        if yb is None:
            yield (xb,)
        elif swb is None:
            yield (xb, yb)
        else:
            yield (xb, yb, swb)


def _step_for(function, fallback, batches):
    """The step for `batches`: `function`, or `fallback` when `function` is fused and the
    data do not suit its plan. Arrays are checked once; the batches of a generator,
    `Sequence` or dataset are known only as they come, so each is checked."""
    if not isinstance(function, _Fused):
        return function
    if isinstance(batches, data_adapter.ArrayBatches):
        if batches.y is not None and function.accepts(batches.x, batches.y, batches.sample_weight):
            return function
        return fallback
    return _EachBatch(function, fallback)


class _EachBatch:
    """A fused step for every `(x, y)` batch that suits its plan, `fallback` for others
    (the two compute the same numbers: `tests/test_dense_stack.py`)."""

    def __init__(self, fused, fallback):
        self.fused = fused
        self.fallback = fallback

    def __call__(self, data):
        if len(data) == 2 and self.fused.accepts(data[0], data[1]):
            return self.fused(data)
        return self.fallback(data)


def _check_loop_kwargs(method: str, kwargs: dict) -> None:
    for k in _IGNORED_LOOP_KWARGS:
        kwargs.pop(k, None)
    if kwargs:
        raise TypeError(f"{method}() got unexpected keyword arguments: {sorted(kwargs)}")


class NumpyTrainer(Trainer):
    """The training and inference loops, mixed into `Model`."""

    def _generic_train_function(self):
        return self.train_step if self._overrides("train_step") else self._tape_train_step

    def _generic_test_function(self):
        return self.test_step if self._overrides("test_step") else self._tape_test_step

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: list[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool | str = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: np.ndarray | None = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
        **kwargs: Any,
    ) -> History:
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
            validation_steps: Batches of validation data per evaluation.
            validation_batch_size: Batch size of the validation data.
            validation_freq: Validate every `n` epochs, or at the listed epochs.

        Returns:
            A `History` whose `history` dict holds the epoch logs.
        """
        clear_stale_state()
        epochs = renamed_argument(kwargs, "nb_epoch", "epochs", epochs, default=1, owner="fit()")
        _check_loop_kwargs("fit", kwargs)
        self._assert_compiled()
        verbose = _resolve_verbose(verbose)
        if validation_split and validation_data is None:
            if data_adapter.is_generator_like(x):
                raise ValueError("`validation_split` is only supported for array inputs.")
            x = data_adapter._to_array(x, "x")
            y = data_adapter._to_array(y, "y")
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split
            )
            if validation_data[2] is None:
                validation_data = validation_data[:2]
        check_model_inputs(self, x)
        sample_weight = data_adapter.with_class_weight(x, y, sample_weight, class_weight)
        batches = data_adapter.make_batches(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            shuffle=shuffle,
            steps=steps_per_epoch,
            check_finite=True,
        )
        if (
            isinstance(batches, data_adapter.ArrayBatches)
            and batches.y is None
            and self._compiled_loss.spec is not None
        ):
            raise ValueError(
                "`fit()` needs targets: pass `y` (or a generator yielding (x, y) pairs)."
            )
        val_batches = None
        if validation_data is not None:
            val_batches = self._validation_batches(
                validation_data, validation_batch_size or batch_size, validation_steps
            )
        epochs, max_steps = _fit_limits(epochs, batches.steps)
        history = History()
        cb_list = _callbacks_with_progbar(callbacks, verbose)
        cb_list.append(history)
        cbs = CallbackList(cb_list, model=self, epochs=epochs, steps=max_steps, verbose=verbose)
        self.stop_training = False
        self._in_fit = True
        batch_hooks = cbs.has_batch_hooks("train")
        self.history = history  # up to date even if fit is interrupted
        cbs.on_train_begin({})
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch  # BackupAndRestore
        self._initial_epoch = None
        logs = {}
        try:
            with interrupt_guard():
                logs = self._fit_epochs(
                    batches,
                    val_batches,
                    cbs,
                    batch_hooks,
                    initial_epoch,
                    epochs,
                    validation_freq,
                    bool(callbacks),
                    max_steps,
                )
        finally:
            self._in_fit = False
            if epochs > initial_epoch and hasattr(self.optimizer, "finalize_variable_values"):
                self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(logs)
        self.history = history
        return history

    def _fit_epochs(
        self,
        batches,
        val_batches,
        cbs,
        batch_hooks,
        initial_epoch,
        epochs,
        validation_freq,
        may_change_model,
        max_steps,
    ) -> dict:
        logs = {}
        # Until the first batch has built the compiled loss, the step cannot be fused.
        pending = not self._compiled_metrics.built
        train_function = _step_for(
            self.make_train_function(), self._generic_train_function(), batches
        )
        for epoch in range(initial_epoch, epochs):
            if may_change_model and epoch > initial_epoch:  # e.g. a callback unfreezes layers
                train_function = _step_for(
                    self.make_train_function(), self._generic_train_function(), batches
                )
            self.reset_metrics()
            cbs.on_epoch_begin(epoch, {})
            step_logs = None
            for step, data in enumerate(_packed(batches.epoch())):
                if step == max_steps:
                    break
                if batch_hooks:
                    cbs.on_train_batch_begin(step, {})
                step_logs = train_function(data)
                if pending:
                    pending = False
                    train_function = _step_for(
                        self.make_train_function(), self._generic_train_function(), batches
                    )
                if batch_hooks:
                    cbs.on_train_batch_end(step, self._step_logs(step_logs))
                if self.stop_training:
                    break
            logs = dict(self._epoch_logs(step_logs))
            if val_batches is not None and _should_validate(epoch, validation_freq):
                val_logs = self._run_evaluation(val_batches, cbs)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            logs = pythonify_logs(logs)  # as Keras' CallbackList: flattened, keys sorted
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        return logs

    def _step_logs(self, logs) -> dict:
        """What a step returned, as Python values (None: the metrics' results)."""
        if logs is None:
            return self.get_metrics_result()
        return pythonify_logs(logs)

    def _epoch_logs(self, last_logs) -> dict:
        """An epoch's logs: the metrics' results, or what a custom step last returned
        (as it returned it, nested dicts included) when its keys differ from them, as
        Keras' `_get_metrics_result_or_logs`."""
        metric_logs = self.get_metrics_result()
        if last_logs is None or set(last_logs) == set(metric_logs):
            return metric_logs
        return last_logs

    def _validation_batches(self, validation_data, batch_size, steps):
        if data_adapter.is_generator_like(validation_data):
            return data_adapter.make_batches(validation_data, steps=steps)
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "`validation_data` should be a tuple `(x_val, y_val)` or "
                "`(x_val, y_val, val_sample_weight)`. Received: "
                f"{type(validation_data).__name__} of length {len(validation_data)}"
            )
        xv, yv = validation_data[0], validation_data[1]
        swv = validation_data[2] if len(validation_data) == 3 else None
        return data_adapter.make_batches(xv, yv, swv, batch_size=batch_size, steps=steps)

    def _run_evaluation(self, batches, cbs) -> dict:
        self.reset_metrics()
        pending = self.compiled and not self._compiled_metrics.built
        test_function = _step_for(self.make_test_function(), self._generic_test_function(), batches)
        cbs.on_test_begin({})
        batch_hooks = cbs.has_batch_hooks("test")
        step_logs = None
        for step, data in enumerate(_packed(batches.epoch())):
            if batch_hooks:
                cbs.on_test_batch_begin(step, {})
            step_logs = test_function(data)
            if pending:
                pending = False
                test_function = _step_for(
                    self.make_test_function(), self._generic_test_function(), batches
                )
            if batch_hooks:
                cbs.on_test_batch_end(step, self._step_logs(step_logs))
        logs = pythonify_logs(self._epoch_logs(step_logs))
        cbs.on_test_end(logs)
        return logs

    # ------------------------------------------------------------------ evaluate / predict

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: np.ndarray | None = None,
        steps: int | None = None,
        callbacks: list[Callback] | None = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Returns the loss (and metrics) on the given data.

        Args:
            x: Input data.
            y: Targets.
            batch_size: Samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            sample_weight: Per-sample weights.
            steps: Batches to evaluate (needed for generators).
            callbacks: List of `Callback`s.
            return_dict: Return `{name: value}` instead of a list.

        Returns:
            A scalar loss if there are no metrics, else `[loss, metric1, ...]`
            (a dict with `return_dict=True`).
        """
        clear_stale_state()
        _check_loop_kwargs("evaluate", kwargs)
        self._assert_compiled()
        verbose = _resolve_verbose(verbose)
        check_model_inputs(self, x)
        batches = data_adapter.make_batches(x, y, sample_weight, batch_size=batch_size, steps=steps)
        cb_list = _callbacks_with_progbar(callbacks, verbose)
        cbs = CallbackList(cb_list, model=self, epochs=1, steps=batches.steps, verbose=verbose)
        logs = self._run_evaluation(batches, cbs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: list[Callback] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Generates output predictions for the input samples, batch by batch.

        Args:
            x: Input data (array, list/dict of arrays, generator or Sequence).
            batch_size: Samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            steps: Batches to predict (needed for generators).
            callbacks: List of `Callback`s.

        Returns:
            NumPy array(s) of predictions.
        """
        clear_stale_state()
        if kwargs:
            _check_loop_kwargs("predict", kwargs)
        check_model_inputs(self, x)
        verbose = _resolve_verbose(verbose)
        predict_function = self.make_predict_function()
        if (
            type(x) is np.ndarray
            and isinstance(predict_function, _Fused)
            and not verbose
            and not callbacks
            and steps is None
            and x.dtype == predict_function.plan.dtype
            and 0 < len(x) <= int(batch_size or 32)
            and predict_function.accepts(x)
        ):
            return predict_function(x)  # one batch of a plain Dense stack: its forward
        if (
            not verbose
            and not callbacks
            and steps is None
            and type(x) is np.ndarray
            and x.ndim
            and 0 < len(x) <= int(batch_size or 32)
        ):
            # One batch and no hook to call: the same computation without the batching
            # and callback machinery (single-sample latency).
            return _concat([self._predict_batch(predict_function, data_adapter._to_array(x, "x"))])
        batches = data_adapter.make_batches(x, None, None, batch_size=batch_size, steps=steps)
        cb_list = _callbacks_with_progbar(callbacks, verbose)
        cbs = CallbackList(cb_list, model=self, epochs=1, steps=batches.steps, verbose=verbose)
        cbs.on_predict_begin({})
        outputs = []
        for step, (xb, _, _) in enumerate(batches.epoch()):
            cbs.on_predict_batch_begin(step, {})
            outputs.append(self._predict_batch(predict_function, xb))
            cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end({})
        if not outputs:
            raise ValueError("Expected input data to be non-empty: `x` has 0 samples.")
        return _concat(outputs)

    def _predict_batch(self, predict_function, x):
        """One batch's predictions as NumPy: the fused forward when the batch suits it."""
        if isinstance(predict_function, _Fused):
            if predict_function.accepts(x):
                return predict_function(x)
            return _to_numpy(self.predict_step((x,)))
        return _to_numpy(predict_function((x,)))

    # ------------------------------------------------------------------ batch-level

    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        reset_metrics=True,
        return_dict=False,
    ):
        """Runs one gradient update on a single batch; returns loss (and metrics)."""
        self._assert_compiled()
        x = data_adapter._to_array(x, "x")
        check_model_inputs(self, x)
        y = data_adapter._to_array(y, "y")
        sample_weight = data_adapter.with_class_weight(x, y, sample_weight, class_weight)
        if reset_metrics:
            self.reset_metrics()
        function = self.make_train_function()
        if isinstance(function, _Fused) and not (
            y is not None and function.accepts(x, y, sample_weight)
        ):
            function = self._generic_train_function()
        logs = function(next(_packed([(x, y, sample_weight)])))
        return self._batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        """Evaluates the model on a single batch; returns loss (and metrics)."""
        self._assert_compiled()
        x = data_adapter._to_array(x, "x")
        check_model_inputs(self, x)
        y = data_adapter._to_array(y, "y")
        if reset_metrics:
            self.reset_metrics()
        function = self.make_test_function()
        if isinstance(function, _Fused) and not (
            y is not None and function.accepts(x, y, sample_weight)
        ):
            function = self._generic_test_function()
        logs = function(next(_packed([(x, y, sample_weight)])))
        return self._batch_result(logs, return_dict)

    def _batch_result(self, logs, return_dict: bool):
        """What `train_on_batch`/`test_on_batch` return for a step's logs."""
        logs = self._step_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        """Returns predictions for a single batch."""
        x = data_adapter._to_array(x, "x")
        check_model_inputs(self, x)
        return self._predict_batch(self.make_predict_function(), x)


def _should_validate(epoch: int, validation_freq) -> bool:
    """Keras: an int runs validation every `n` epochs; a list names the (1-based) epochs."""
    if isinstance(validation_freq, int) and not isinstance(validation_freq, bool):
        if validation_freq < 1:
            raise ValueError(
                f"`validation_freq` must be a positive integer or a list of epochs. Received: "
                f"validation_freq={validation_freq}"
            )
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set, range)):
        return epoch + 1 in validation_freq
    raise ValueError(
        "`validation_freq` must be a positive integer or a list of epochs. Received: "
        f"validation_freq={validation_freq!r}"
    )


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


def _callbacks_with_progbar(callbacks, verbose) -> list:
    """The user's callbacks (a list, or one callback, which Keras takes too), then the
    progress bar when `verbose`."""
    if callbacks is None:
        cb_list = []
    elif isinstance(callbacks, Callback):
        cb_list = [callbacks]
    else:
        try:
            cb_list = list(callbacks)
        except TypeError:
            raise TypeError(
                "`callbacks` must be a list of `keras.callbacks.Callback` instances (or one "
                f"of them). Received: callbacks={callbacks!r:.100}"
            ) from None
    if verbose:
        cb_list.append(ProgbarLogger())
    return cb_list


def _fit_limits(epochs: int, steps) -> tuple:
    """`epochs` and steps per epoch capped by `keras.config.set_max_epochs` / `_steps_...`."""
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise TypeError(
            f"Expected `epochs` to be an integer. Received: epochs={epochs!r} "
            f"(of type {type(epochs).__name__})"
        )
    cap_epochs, cap_steps = config.max_epochs(), config.max_steps_per_epoch()
    if cap_epochs is not None:
        epochs = min(epochs, cap_epochs)
    if cap_steps is not None:
        steps = cap_steps if steps is None else min(steps, cap_steps)
    return epochs, steps
