"""`PyDataset` (Keras 3) and `Sequence` (Keras 2): indexable batch sources for `fit`."""

from __future__ import annotations


class PyDataset:
    """Base class for datasets that return whole batches by index.

    Subclasses implement `__len__` (number of batches) and `__getitem__(index)`
    returning `(x, y)` or `(x, y, sample_weight)`; `on_epoch_end()` is called
    after every epoch (e.g. to reshuffle). `fit` with `shuffle=True` visits the
    batches in a new random order every epoch.

    Args:
        workers, use_multiprocessing, max_queue_size: Accepted for Keras
            compatibility; batches are produced in the training thread.

    Example:
        >>> class Batches(PyDataset):
        ...     def __init__(self, x, y, batch_size):
        ...         super().__init__()
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, i):
        ...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(index)` returning a batch."
        )

    def __len__(self) -> int:
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__()` returning the number of batches."
        )

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self) -> None:
        """Called after every epoch; override to reshuffle."""

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


class Sequence(PyDataset):
    """Keras 2's name for `PyDataset` (`keras.utils.Sequence`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
