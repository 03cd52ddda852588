"""Boston housing price regression (13 features, median value in k$)."""

from __future__ import annotations

import numpy as np

from minikeras.datasets._cache import ORIGIN, cached_file


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing data, shuffled with `seed` and split as Keras does.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"`test_split` must be between 0 and 1. Received: {test_split}")
    path = cached_file(
        path,
        ORIGIN + "boston_housing.npz",
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
    )
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
