"""Batches from a `Dataset` or any iterable of batches (a torch `DataLoader`, ...).

Each element the iterable yields is one batch: `x`, `(x,)`, `(x, y)` or
`(x, y, sample_weight)` (a list of two or three, as a `DataLoader` yields,
counts as that tuple). Tensors of other libraries are converted through their
`.numpy()` method, so no such library is imported here.
"""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.data.dataset import INFINITE, UNKNOWN, Dataset


def is_batch_iterable(x) -> bool:
    """True for a `Dataset` or an iterable that is neither an array nor a Python container."""
    if isinstance(x, Dataset):
        return True
    return (
        hasattr(x, "__iter__")
        and not hasattr(x, "__next__")
        and not hasattr(x, "__getitem__")
        and not hasattr(x, "__array__")
        and not isinstance(x, (str, bytes, list, tuple, dict, set))
    )


def _leaf_to_numpy(x):
    if isinstance(x, np.ndarray) or x is None:
        return x
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy"):
        return x.numpy()
    return x


def _to_numpy(item):
    if isinstance(item, dict):
        return {k: _to_numpy(v) for k, v in item.items()}
    if isinstance(item, (list, tuple)):
        return type(item)(_to_numpy(v) for v in item)
    return _leaf_to_numpy(item)


class IterableBatches:
    """The epochs of a dataset (or iterable of batches) as `(x, y, sample_weight)` batches.

    Without `steps`, each epoch is one full pass. With `steps` (`steps_per_epoch`),
    one iterator carries over from epoch to epoch, as in Keras; when it runs out a
    new pass starts, so a finite dataset can serve any number of steps.

    Args:
        data: A `Dataset` or any iterable of batches.
        steps: Batches per epoch, or None for one full pass.

    Raises:
        ValueError: for an infinite dataset without `steps`.
    """

    def __init__(self, data, steps=None):
        from minikeras.trainers.data_adapter import unpack

        self._unpack = unpack
        self.data = data
        self._is_dataset = isinstance(data, Dataset)
        if self._is_dataset:
            card = data._cardinality
        else:
            try:
                card = len(data)
            except TypeError:
                card = UNKNOWN
        if steps is None and card == INFINITE:
            raise ValueError(
                "The dataset is infinite (it repeats forever): pass `steps_per_epoch` to "
                "`fit()` (or `steps` to `evaluate()`/`predict()`) to say how many batches "
                "make one epoch."
            )
        self.steps = int(steps) if steps is not None else (card if card >= 0 else None)
        self._fixed_steps = steps is not None
        self._iter = None

    def __len__(self) -> int:
        return self.steps or 0

    def _pass(self):
        return self.data._arrays() if self._is_dataset else iter(self.data)

    def _batch(self, item):
        if not self._is_dataset:
            item = _to_numpy(item)
            if isinstance(item, list) and len(item) in (2, 3):
                item = tuple(item)
        return self._unpack(item)

    def epoch(self):
        """This epoch's batches."""
        if not self._fixed_steps:
            for item in self._pass():
                yield self._batch(item)
            return
        done = 0
        restarted = False
        while done < self.steps:
            if self._iter is None:
                self._iter = self._pass()
            item = next(self._iter, _END)
            if item is _END:
                self._iter = None
                if restarted:  # a fresh pass yielded nothing: the data is empty
                    warnings.warn(
                        "Your input ran out of data; interrupting the epoch. Make sure the "
                        f"dataset can generate at least `steps_per_epoch` ({self.steps}) "
                        "batches.",
                        stacklevel=2,
                    )
                    return
                restarted = True
                continue
            restarted = False
            done += 1
            yield self._batch(item)


_END = object()
