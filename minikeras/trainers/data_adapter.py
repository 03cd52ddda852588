"""Turns what users pass to `fit`/`evaluate`/`predict` into batches.

Accepted: NumPy arrays (or lists/dicts of them, one per model input),
Python generators yielding `(x, y[, sample_weight])`,
`keras.utils.Sequence`/`PyDataset` objects, and `Dataset`s or any other iterable
of batches (see `dataset_adapter`).
"""

from __future__ import annotations

import math

import numpy as np

from minikeras.backend import config
from minikeras.ops.node import flatten
from minikeras.trainers.dataset_adapter import IterableBatches, is_batch_iterable


def _to_array(x, name):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _to_array(v, name) for k, v in x.items()}
    if (
        isinstance(x, (list, tuple))
        and x
        and all(isinstance(e, (np.ndarray, dict)) and np.ndim(e) != 0 for e in x)
    ):
        return [_to_array(e, name) for e in x]
    arr = np.asarray(x)
    if arr.dtype.kind in "US" or (
        arr.dtype == object and arr.size and all(isinstance(v, (str, bytes)) for v in arr.flat)
    ):
        return arr  # text for preprocessing layers (TextVectorization, StringLookup, ...)
    if arr.dtype == object:
        raise ValueError(
            f"Failed to convert `{name}` to a NumPy array: it has ragged or mixed-type "
            "entries. Pad sequences to a common length (keras.utils.pad_sequences) first."
        )
    if arr.dtype.kind == "f" and arr.dtype != np.dtype(config.floatx()):
        arr = arr.astype(config.floatx())
    elif arr.dtype.kind == "b":
        arr = arr.astype(config.floatx())
    return arr


def num_samples(x) -> int:
    if type(x) is np.ndarray:
        return int(x.shape[0]) if x.ndim else 0
    lengths = {int(np.shape(a)[0]) for a in flatten(x) if a is not None and np.ndim(a) > 0}
    if len(lengths) > 1:
        raise ValueError(
            "Data cardinality is ambiguous: all input arrays should contain the same number "
            f"of samples. Received sizes: {sorted(lengths)}"
        )
    return lengths.pop() if lengths else 0


def _checked_cardinality(x, y, sample_weight) -> int:
    """The common number of samples of `x`, `y` and `sample_weight`, or Keras' error."""
    sizes = {}
    for name, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        found = sorted(
            {int(np.shape(a)[0]) for a in flatten(part) if a is not None and np.ndim(a) > 0}
        )
        if found:
            sizes[name] = found
    if len({n for found in sizes.values() for n in found}) > 1:
        detail = "\n".join(
            f"'{name}' sizes: {', '.join(map(str, found))}" for name, found in sizes.items()
        )
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of "
            f"samples.\n{detail}"
        )
    return next(iter(sizes.values()))[0] if sizes else 0


def slice_data(x, idx):
    """`x[idx]` for an array or each array in a list/dict."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: v[idx] for k, v in x.items()}
    if isinstance(x, list):
        return [v[idx] for v in x]
    return x[idx]


def check_nan(x, name) -> None:
    for a in flatten(x):
        if a is not None and a.dtype.kind == "f" and not np.isfinite(a).all():
            bad = int(np.size(a) - np.count_nonzero(np.isfinite(a)))
            raise ValueError(
                f"`{name}` contains {bad} NaN or infinite value(s). Training on them would give "
                "NaN weights. Clean the data first (e.g. np.nan_to_num) or drop those rows."
            )


def class_weight_to_sample_weight(y, class_weight: dict) -> np.ndarray:
    """Per-sample weights from `{class_index: weight}` and labels (one-hot or sparse)."""
    y = np.asarray(y)
    if y.ndim > 2:
        raise ValueError(
            "`class_weight` is not supported for 3+ dimensional targets: it gives one "
            f"weight per sample, and targets of shape {y.shape} hold several labels per "
            "sample. Pass `sample_weight` with one weight per label instead."
        )
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = y.reshape(len(y), -1)[:, 0]
        labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(y), dtype=config.floatx())
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def with_class_weight(x, y, sample_weight, class_weight: dict | None):
    """`sample_weight` times the class weights of `y`'s (first output's) labels (as
    tf.keras did; Keras 3 refuses the two together): each sample's weights, one or
    several, scaled by its class's."""
    if class_weight is None or y is None:
        return sample_weight
    y = flatten(y)[0]
    if not isinstance(class_weight, dict):
        raise TypeError(
            "`class_weight` must be a dict mapping class indices to weights, e.g. "
            f"{{0: 1.0, 1: 5.0}}. Received: class_weight={class_weight!r:.100}"
        )
    cw = class_weight_to_sample_weight(y, class_weight)
    if sample_weight is None:
        return cw
    sw = np.asarray(sample_weight)
    _checked_cardinality(x, cw, sw)
    return sw * cw.reshape((len(cw),) + (1,) * max(0, sw.ndim - 1))


class ArrayBatches:
    """Batches over in-memory arrays, reshuffled each epoch when asked."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None):
        self.x = x
        self.y = y
        self.sample_weight = sample_weight
        self.n = _checked_cardinality(x, y, sample_weight)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.steps = steps if steps is not None else max(1, math.ceil(self.n / self.batch_size))

    def __len__(self) -> int:
        return self.steps

    def epoch(self):
        """This epoch's `(x, y, sample_weight)` batches (shuffled anew when asked)."""
        if self.shuffle == "batch":
            order = np.arange(self.n)
            starts = np.arange(0, self.n, self.batch_size)
            np.random.shuffle(starts)
            order = np.concatenate([order[s : s + self.batch_size] for s in starts])
        elif self.shuffle:
            order = config.rng().permutation(self.n)
        else:
            order = None
        x, y = self.x, self.y
        plain = type(x) is np.ndarray and type(y) is np.ndarray and self.sample_weight is None
        if plain and self.steps == 1:
            # One batch an epoch (a small dataset, as the book's XOR): no generator to step.
            hi = min(self.batch_size, self.n)
            if order is None:
                return ((x[:hi], y[:hi], None),)
            idx = order[:hi]
            return ((x.take(idx, axis=0), y.take(idx, axis=0), None),)
        return self._batches(order, plain)

    def _batches(self, order, plain: bool):
        x, y, sw = self.x, self.y, self.sample_weight
        for step in range(self.steps):
            lo = (step * self.batch_size) % max(self.n, 1)
            hi = min(lo + self.batch_size, self.n)
            idx = slice(lo, hi) if order is None else order[lo:hi]
            if plain and order is not None:
                # `take` copies the rows faster than fancy indexing (128 x 784 float32:
                # 29 against 40 us; a (128, 10) label batch: 0.8 against 5.2 us).
                yield x.take(idx, axis=0), y.take(idx, axis=0), None
            elif plain:
                yield x[idx], y[idx], None
            else:
                yield slice_data(x, idx), slice_data(y, idx), slice_data(sw, idx)


class GeneratorBatches:
    """Batches from a generator or a `keras.utils.Sequence`/`PyDataset`."""

    def __init__(self, data, steps=None, shuffle=False):
        self.data = data
        self.is_sequence = hasattr(data, "__getitem__") and hasattr(data, "__len__")
        if steps is None:
            if not self.is_sequence:
                raise ValueError(
                    "When passing a generator, specify `steps_per_epoch` (fit) or `steps` "
                    "(evaluate/predict): a generator's length is unknown."
                )
            steps = len(data)
        self.steps = int(steps)
        self.shuffle = shuffle
        self._iter = None

    def __len__(self) -> int:
        return self.steps

    def epoch(self):
        if self.is_sequence:
            order = np.arange(len(self.data))
            if self.shuffle:
                np.random.shuffle(order)
            for step in range(self.steps):
                yield unpack(self.data[int(order[step % len(order)])])
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
            return
        if self._iter is None:
            self._iter = iter(self.data)
        for _ in range(self.steps):
            try:
                item = next(self._iter)
            except StopIteration:
                return
            yield unpack(item)


def unpack(item):
    """`(x, y, sample_weight)` from an item a generator yielded."""
    if isinstance(item, tuple):
        if len(item) == 1:
            return _to_array(item[0], "x"), None, None
        if len(item) == 2:
            return _to_array(item[0], "x"), _to_array(item[1], "y"), None
        if len(item) == 3:
            return _to_array(item[0], "x"), _to_array(item[1], "y"), np.asarray(item[2])
        raise ValueError(
            "Data yielded by a generator should be a tuple (x,), (x, y) or (x, y, "
            f"sample_weight). Received a tuple of length {len(item)}."
        )
    return _to_array(item, "x"), None, None


def is_generator_like(x) -> bool:
    return is_batch_iterable(x) or (
        hasattr(x, "__next__")
        or (
            hasattr(x, "__getitem__")
            and hasattr(x, "__len__")
            and not isinstance(x, (np.ndarray, list, tuple, dict))
            and not hasattr(x, "__array__")
        )
    )


def make_batches(
    x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None, check_finite=False
):
    """An `ArrayBatches` or `GeneratorBatches` for what the user passed."""
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size <= 0
    ):
        raise ValueError(
            f"Expected `batch_size` to be a positive integer. Received: batch_size={batch_size!r}"
        )
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps <= 0):
        raise ValueError(
            f"Expected `steps_per_epoch`/`steps` to be a positive integer. Received: {steps!r}"
        )
    if is_batch_iterable(x):  # a Dataset, a torch DataLoader, any iterable of batches
        if y is not None:
            raise ValueError(
                "`y` argument is not supported when using a dataset as input: the dataset "
                "should yield (x, y) pairs."
            )
        return IterableBatches(x, steps=steps)
    if is_generator_like(x):
        if y is not None:
            raise ValueError(
                "`y` argument is not supported when data is a generator or Sequence; the "
                "generator should yield (x, y) pairs."
            )
        return GeneratorBatches(x, steps=steps, shuffle=shuffle)
    x = _to_array(x, "x")
    y = _to_array(y, "y")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=config.floatx())
    if check_finite:
        check_nan(x, "x")
        if y is not None:
            check_nan(y, "y")
    batches = ArrayBatches(
        x, y, sample_weight, batch_size=batch_size or 32, shuffle=shuffle, steps=steps
    )
    if batches.n == 0:
        raise ValueError(
            "Expected input data to be non-empty: `x` has 0 samples. Pass at least one "
            "sample (check any filtering or slicing that produced the arrays)."
        )
    return batches
