"""`timeseries_dataset_from_array`: sliding windows over a time series, in batches."""

from __future__ import annotations

import math

import numpy as np

from minikeras.utils.py_dataset import PyDataset


class TimeseriesBatches(PyDataset):
    """Batches of windows (and targets) made by `timeseries_dataset_from_array`."""

    def __init__(self, data, targets, starts, sequence_length, sampling_rate, batch_size):
        super().__init__()
        self.data = data
        self.targets = targets
        self.starts = starts
        self.offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate)
        self.batch_size = batch_size

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.starts)
        return math.ceil(len(self.starts) / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} out of range for {len(self)} batches.")
        if self.batch_size is None:
            starts = self.starts[index : index + 1]
        else:
            starts = self.starts[index * self.batch_size : (index + 1) * self.batch_size]
        x = self.data[starts[:, None] + self.offsets]
        if self.batch_size is None:
            x = x[0]
        if self.targets is None:
            return x
        y = self.targets[starts] if self.batch_size is not None else self.targets[starts[0]]
        return x, y


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    **kwargs,
):
    """Windows of `sequence_length` steps over `data`, as batches that `fit` accepts.

    Window `i` starts at `start_index + i * sequence_stride` and takes every
    `sampling_rate`-th step; its target is `targets[start_index + start]` (the
    target of the window's first step, as in Keras).

    Args:
        data: Array with time along axis 0.
        targets: Array aligned with `data`, or None for windows only.
        sequence_length: Steps per window.
        sequence_stride: Steps between the starts of consecutive windows.
        sampling_rate: Steps between two samples inside a window.
        batch_size: Windows per batch (None: one window per item, unbatched).
        shuffle: Shuffle the windows (once, with `seed`).
        seed: Shuffling seed.
        start_index, end_index: Only use `data[start_index:end_index]`.

    Returns:
        A `PyDataset` of `(windows, targets)` batches (or windows alone).

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=2)
        >>> ds[0]
        array([[0, 1, 2],
               [1, 2, 3]])
    """
    kwargs.pop("format", None)
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. "
                f"Received: start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= n:
            raise ValueError(
                "`end_index` must be lower than the length of the data. "
                f"Received: end_index={end_index}, for data of length {n}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= n:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: "
                f"{name}={value}, for data of length {n}"
            )
    start_index = start_index or 0
    end_index = end_index or n
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle:
        rng = np.random.RandomState(np.random.randint(1_000_000) if seed is None else seed)
        rng.shuffle(starts)
    data_slice = np.asarray(data)[start_index:end_index]
    target_slice = None if targets is None else np.asarray(targets)[start_index:]
    return TimeseriesBatches(
        data_slice, target_slice, starts, sequence_length, sampling_rate, batch_size
    )
