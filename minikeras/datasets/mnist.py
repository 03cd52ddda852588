"""MNIST handwritten digits: 60,000 training and 10,000 test 28x28 grayscale images."""

from __future__ import annotations

import numpy as np

from minikeras.datasets._cache import ORIGIN, cached_file


def load_data(path="mnist.npz"):
    """Loads MNIST from `<keras_home>/datasets/mnist.npz` (Keras's file and format).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` and
        uint8 labels `(n,)`.
    """
    path = cached_file(
        path,
        ORIGIN + "mnist.npz",
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    )
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
