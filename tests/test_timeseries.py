"""`timeseries_dataset_from_array`: the examples of the Keras docstring, errors, and `fit`."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras
from minikeras.utils import timeseries_dataset_from_array


def test_keras_docstring_example_indices():
    # "Consider indices [0, 1, ... 98]" with sequence_length=10, sampling_rate=2,
    # sequence_stride=3 (Keras 3 docstring).
    ds = timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=128
    )
    windows = np.concatenate([ds[i] for i in range(len(ds))])
    np.testing.assert_array_equal(windows[0], np.arange(0, 20, 2))
    np.testing.assert_array_equal(windows[1], np.arange(3, 23, 2))
    np.testing.assert_array_equal(windows[-1], np.arange(78, 98, 2))
    assert len(windows) == 27


def test_keras_docstring_temporal_regression_example():
    data = np.arange(50, dtype="float32")
    ds = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10, batch_size=8)
    inputs, targets = ds[0]
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10] and inputs.shape == (8, 10) and len(ds) == 4


def test_shuffle_start_end_and_unbatched():
    ds = timeseries_dataset_from_array(
        np.arange(30),
        np.arange(30) * 10,
        4,
        shuffle=True,
        seed=1,
        start_index=5,
        end_index=25,
        batch_size=None,
    )
    items = [ds[i] for i in range(len(ds))]
    assert len(items) == 17
    starts = sorted(int(x[0]) for x, _ in items)
    assert starts == list(range(5, 22))
    for x, y in items:
        np.testing.assert_array_equal(x, np.arange(x[0], x[0] + 4))
        assert y == x[0] * 10


@pytest.mark.parametrize(
    "kwargs,msg",
    [
        ({"start_index": 40}, "start_index"),
        ({"end_index": 40}, "end_index"),
        ({"sampling_rate": 0}, "sampling_rate"),
        ({"sequence_stride": 30}, "sequence_stride"),
    ],
)
def test_bad_arguments(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        timeseries_dataset_from_array(np.arange(30), None, 3, **kwargs)


def test_fit_on_windows():
    t = np.arange(400, dtype="float32")
    series = np.sin(t / 8.0)
    ds = timeseries_dataset_from_array(
        series[:-5][:, None], series[5:], sequence_length=5, batch_size=32
    )
    model = minikeras.Sequential(
        [minikeras.Input(shape=(5, 1)), minikeras.layers.Flatten(), minikeras.layers.Dense(1)]
    )
    model.compile(optimizer=minikeras.optimizers.Adam(learning_rate=0.05), loss="mse")
    hist = model.fit(ds, epochs=10, verbose=0)
    assert hist.history["loss"][-1] < 0.05 < hist.history["loss"][0]
