"""CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes."""

from __future__ import annotations

import os

import numpy as np

from minikeras.datasets._cifar import cifar_folder, load_batch, to_data_format


def load_data():
    """Loads CIFAR-10 from the Keras cache (`cifar-10-batches-py` python batches).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)`
        (channels_last) and uint8 labels `(n, 1)`.
    """
    path = cifar_folder(
        "cifar-10-batches-py",
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    )
    xs, ys = [], []
    for i in range(1, 6):
        x, y = load_batch(os.path.join(path, f"data_batch_{i}"))
        xs.append(x)
        ys.append(np.asarray(y, dtype="uint8"))
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    x_train = np.concatenate(xs).astype("uint8")
    y_train = np.concatenate(ys).reshape(-1, 1)
    y_test = np.asarray(y_test).reshape(-1, 1).astype(y_train.dtype)
    return (to_data_format(x_train), y_train), (to_data_format(x_test.astype("uint8")), y_test)
