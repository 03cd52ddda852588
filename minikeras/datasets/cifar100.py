"""CIFAR-100: 32x32 colour images in 100 fine (or 20 coarse) classes."""

from __future__ import annotations

import os

import numpy as np

from minikeras.datasets._cifar import cifar_folder, load_batch, to_data_format


def load_data(label_mode="fine"):
    """Loads CIFAR-100 from the Keras cache (`cifar-100-python` train/test files).

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 super-classes).

    Returns:
        `(x_train, y_train), (x_test, y_test)` with labels of shape `(n, 1)`.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.'
        )
    path = cifar_folder(
        "cifar-100-python",
        "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
    )
    key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=key)
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=key)
    y_train = np.reshape(np.asarray(y_train, dtype="int64"), (-1, 1))
    y_test = np.reshape(np.asarray(y_test, dtype="int64"), (-1, 1))
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)
