"""What `compile()` sets up: the loss per output and the metrics, named as Keras names them."""

from __future__ import annotations

import numpy as np

from minikeras import losses as losses_mod
from minikeras import metrics as metrics_mod
from minikeras import ops
from minikeras.backend.autodiff import value_of
from minikeras.losses.loss import Loss, LossFunctionWrapper, reduce_values
from minikeras.losses.masking import apply_mask
from minikeras.metrics.metric import Mean, MeanMetricWrapper, Metric
from minikeras.ops.node import flatten

_ACCURACY_NAMES = ("accuracy", "acc")
_CROSSENTROPY_NAMES = ("crossentropy", "ce")


def _as_loss_object(loss) -> Loss:
    if isinstance(loss, Loss):
        return loss
    fn = losses_mod.get(loss)
    if isinstance(fn, Loss):
        return fn
    return LossFunctionWrapper(fn, name=getattr(fn, "__name__", "loss"))


def _loss_name(loss) -> str:
    if isinstance(loss, str):
        return loss
    if isinstance(loss, LossFunctionWrapper):
        return getattr(loss.fn, "__name__", loss.name)
    if isinstance(loss, Loss):
        return loss.name
    return getattr(loss, "__name__", "")


def resolve_metric(identifier, loss, y_true, y_pred) -> Metric:
    """A stateful metric for `identifier`, resolving `'accuracy'`/`'acc'` like Keras.

    The metric keeps the user's spelling as its name (`acc` stays `acc`).
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str) and (
        identifier in _ACCURACY_NAMES or identifier in ("crossentropy", "ce")
    ):
        loss_name = _loss_name(loss)
        yt, yp = np.shape(value_of(y_true)), np.shape(value_of(y_pred))
        binary = (yp[-1:] == (1,)) or "binary" in loss_name
        sparse = (
            "sparse" in loss_name
            or (len(yt) == len(yp) - 1)
            or (len(yt) == len(yp) and yt[-1:] == (1,) and yp[-1:] != (1,))
        )
        if identifier in _ACCURACY_NAMES:
            if binary:
                fn = metrics_mod.binary_accuracy
            elif sparse:
                fn = metrics_mod.sparse_categorical_accuracy
            else:
                fn = metrics_mod.categorical_accuracy
        else:
            if binary:
                fn = losses_mod.binary_crossentropy
            elif sparse:
                fn = losses_mod.sparse_categorical_crossentropy
            else:
                fn = losses_mod.categorical_crossentropy
        return MeanMetricWrapper(fn, name=identifier)
    found = metrics_mod.get(identifier)
    if isinstance(found, Metric):
        if isinstance(identifier, str):  # Keras names the metric by the user's spelling
            found.name = identifier
        return found
    if isinstance(found, LossFunctionWrapper):
        found = found.fn
    name = identifier if isinstance(identifier, str) else getattr(found, "__name__", "metric")
    return MeanMetricWrapper(found, name=name)


class CompiledLoss:
    """The training loss: one loss per output, weighted and summed, plus `model.losses`."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.spec = loss
        self.loss_weights = loss_weights
        self.output_names = output_names or []
        self.built = False

    def build(self, n_outputs: int) -> None:
        spec = self.spec
        if isinstance(spec, dict):
            missing = [k for k in spec if k not in self.output_names]
            if missing:
                raise ValueError(
                    f"In `loss`, the keys {missing} do not match any model output. Expected "
                    f"keys from: {self.output_names}"
                )
            per_output = [spec.get(name) for name in self.output_names]
        elif isinstance(spec, (list, tuple)):
            if len(spec) != n_outputs:
                raise ValueError(
                    f"When `loss` is a list, it must have one entry per model output: expected "
                    f"{n_outputs}, received {len(spec)}."
                )
            per_output = list(spec)
        else:
            per_output = [spec] * n_outputs
        self.losses = [None if lo is None else _as_loss_object(lo) for lo in per_output]
        self.raw = per_output
        lw = self.loss_weights
        if isinstance(lw, dict):
            unknown = [k for k in lw if k not in self.output_names]
            if unknown:
                raise ValueError(
                    f"In `loss_weights`, the keys {unknown} do not match any model output. "
                    f"Expected keys from: {self.output_names}"
                )
            lw = [lw.get(name, 1.0) for name in self.output_names]
        elif isinstance(lw, (int, float)) and not isinstance(lw, bool):
            lw = [lw] * n_outputs
        elif lw is not None and len(lw) != n_outputs:
            raise ValueError(
                f"`loss_weights` must match the number of losses, got {n_outputs} losses "
                f"and {len(lw)} weights."
            )
        self.weights = list(lw) if lw is not None else [1.0] * n_outputs
        self.built = True

    def compute(self, y_true_list, y_pred_list, sample_weight=None, masks=None):
        """`(total, per-output values)` of the losses for lists of targets and outputs."""
        if not self.built:
            self.build(len(y_pred_list))
        total = None
        per_output = []
        masks = masks or [None] * len(y_pred_list)
        for loss, w, yt, yp, mask in zip(
            self.losses, self.weights, y_true_list, y_pred_list, masks
        ):
            if loss is None or yt is None:
                per_output.append(None)
                continue
            sw = (
                sample_weight
                if mask is None
                else apply_mask(
                    sample_weight, mask, getattr(loss, "reduction", "sum_over_batch_size")
                )
            )
            value = loss(yt, yp, sample_weight=sw)
            per_output.append(value)
            value = value if w == 1.0 else ops.multiply(value, float(w))
            total = value if total is None else ops.add(total, value)
        return total, per_output


def reduce_loss_terms(terms):
    """Sums a list of scalar loss terms (regularization and `add_loss` values)."""
    total = None
    for term in terms:
        if np.ndim(value_of(term)) != 0:
            term = ops.sum(term)
        total = term if total is None else ops.add(total, term)
    return total


def weighted_mean(values, sample_weight):
    return reduce_values(values, sample_weight)


class CompiledMetrics(Metric):
    """The metrics of each output, created lazily from the first batch's shapes.

    One `Metric` (named `compile_metrics`, as Keras 3 names it) whose `result()` is the
    dict of every compiled metric's value; `update_state(y, y_pred, sample_weight)` is
    also tf.keras' `model.compiled_metrics.update_state`.
    """

    def __init__(self, metrics, weighted_metrics, loss_spec, output_names, compiled_loss=None):
        super().__init__(name="compile_metrics")
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss_spec = loss_spec
        self.output_names = output_names
        self.compiled_loss = compiled_loss
        self.metrics: list[tuple[int, Metric, bool]] = []
        # Each compiled metric's own name (without the output prefix that names it in
        # the logs of a multi-output model), as Keras 3's `CompileMetrics.metrics` holds.
        self.object_names: list[str] = []
        self.built = False

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Updates every compiled metric from the model's targets and outputs."""
        preds = flatten_outputs(y_pred)
        y_list = targets_as_list(y_true, len(preds), self.output_names)
        if not self.built:
            self.build(y_list, preds, self.compiled_loss)
        self.update(y_list, preds, sample_weight)

    def result(self) -> dict:
        """`{name: value}` of the compiled metrics (a per-class array stays an array)."""
        out = {}
        for _, m, _ in self.metrics:
            r = np.asarray(value_of(m.result()))
            out[m.name] = float(r) if r.ndim == 0 else r  # F1Score(average=None): per class
        return out

    def reset_state(self) -> None:
        self.reset()

    def _per_output(self, spec, n):
        if spec is None:
            return [[] for _ in range(n)]
        if isinstance(spec, dict):
            return [list(_as_list(spec.get(name, []))) for name in self.output_names]
        spec = list(spec)
        if n > 1 and spec and all(isinstance(s, (list, tuple)) for s in spec):
            return [list(s) for s in spec]
        if n > 1:
            return [list(spec) for _ in range(n)]
        return [spec]

    def build(self, y_true_list, y_pred_list, loss_objects) -> None:
        n = len(y_pred_list)
        multi = n > 1
        for weighted, spec in ((False, self.spec), (True, self.weighted_spec)):
            for i, ids in enumerate(self._per_output(spec, n)):
                for ident in ids:
                    m = resolve_metric(
                        ident, self._raw_loss(i, loss_objects), y_true_list[i], y_pred_list[i]
                    )
                    self.object_names.append(m.name)
                    if multi:
                        m.name = f"{self.output_names[i]}_{m.name}"
                    if weighted and any(m.name == o.name for _, o, _ in self.metrics):
                        m.name = f"weighted_{m.name}"
                    self.metrics.append((i, m, weighted))
        self.built = True

    def _raw_loss(self, i, loss_objects):
        raw = loss_objects.raw if loss_objects is not None and loss_objects.built else None
        return raw[i] if raw else None

    def update(self, y_true_list, y_pred_list, sample_weight=None, masks=None) -> None:
        for i, m, weighted in self.metrics:
            yt = y_true_list[i]
            if yt is None:
                continue
            yp = value_of(y_pred_list[i])
            mask = masks[i] if masks else None
            sw = sample_weight if weighted else None
            if mask is not None and isinstance(m, MeanMetricWrapper):  # Keras masks these
                sw = apply_mask(sw, mask, reduction="sum")
            if sw is not None:
                m.update_state(yt, yp, sample_weight=sw)
            else:
                m.update_state(yt, yp)

    def reset(self) -> None:
        for _, m, _ in self.metrics:
            m.reset_state()


def _as_list(x):
    return x if isinstance(x, (list, tuple)) else [x]


def flatten_outputs(y_pred) -> list:
    """The model's outputs as a flat list (one entry for a single output)."""
    return flatten(y_pred) if isinstance(y_pred, (list, tuple, dict)) else [y_pred]


def targets_as_list(y, n: int, output_names) -> list:
    """`y` as one target per output, checked against the number of outputs `n`."""
    if y is None:
        return [None] * n
    if isinstance(y, dict):
        return [y.get(name) for name in output_names]
    if n > 1:
        if not isinstance(y, (list, tuple)) or len(y) != n:
            raise ValueError(
                f"The model has {n} outputs, so `y` should be a list of {n} arrays (or a "
                f"dict keyed by output name {output_names}). Received: {type(y).__name__}"
            )
        return list(y)
    if isinstance(y, (list, tuple)) and len(y) == 1:
        return [y[0]]
    return [y]


def check_targets(y_list, pred_list) -> None:
    """Raises Keras' cardinality error when targets and outputs differ in batch size."""
    for yt, yp in zip(y_list, pred_list):
        if yt is None:
            continue
        if np.shape(yt)[0] != np.shape(value_of(yp))[0]:
            raise ValueError(
                f"Data cardinality is ambiguous: x sizes: {np.shape(value_of(yp))[0]}, "
                f"y sizes: {np.shape(yt)[0]}. Make sure all arrays contain the same number "
                "of samples."
            )


class LossesContainer:
    """tf.keras' `model.compiled_loss`: `compiled_loss(y, y_pred, sample_weight,
    regularization_losses)` returns the total loss and updates the model's loss tracker.

    Args:
        model: The compiled model.
    """

    def __init__(self, model):
        self._model = model

    @property
    def metrics(self) -> list:
        return [self._model._loss_tracker]

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        preds = flatten_outputs(y_pred)
        total = model._compute_compiled_loss(y_true, preds, sample_weight)
        extra = reduce_loss_terms(regularization_losses or [])
        if extra is not None:
            total = extra if total is None else ops.add(total, extra)
        if total is None:
            raise ValueError(
                "`compiled_loss` has nothing to compute: `compile()` received no `loss` and "
                "no `regularization_losses` were passed. Pass `loss=` to `compile()`."
            )
        model._loss_tracker.add(float(value_of(total)), int(np.shape(value_of(preds[0]))[0]))
        return total


class LossTracker(Mean):
    """The running mean of the batch loss, weighted by batch size (as Keras reports it)."""

    def __init__(self, name="loss"):
        super().__init__(name=name)

    def add(self, value: float, batch_size: int) -> None:
        self.total += float(value) * batch_size
        self.count += batch_size


def check_identifiers(loss, metrics, weighted_metrics) -> None:
    """Resolves loss and metric names once at `compile()` so typos fail there, not in `fit()`.

    Raises:
        ValueError: naming the unknown identifier and listing valid names.
    """

    def names(spec):
        if isinstance(spec, str):
            return [spec]
        if isinstance(spec, dict):
            return [n for v in spec.values() for n in names(v)]
        if isinstance(spec, (list, tuple)):
            return [n for v in spec for n in names(v)]
        return []

    for name in names(loss):
        losses_mod.get(name)
    for name in names(metrics) + names(weighted_metrics):
        if name not in _ACCURACY_NAMES + _CROSSENTROPY_NAMES:
            metrics_mod.get(name)
