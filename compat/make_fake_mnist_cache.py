"""Writes a small synthetic `mnist.npz` (Keras's format) into `$KERAS_HOME/datasets/`.

For running compat/mnist_dataset_adam.py offline. Refuses to overwrite an existing
file, so a real cached MNIST is never replaced.
"""
import os
import sys

import numpy as np

home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
path = os.path.join(home, "datasets", "mnist.npz")
if os.path.exists(path):
    sys.exit(f"{path} exists already; set KERAS_HOME to a scratch folder.")
os.makedirs(os.path.dirname(path), exist_ok=True)
rng = np.random.RandomState(0)
prototypes = rng.randint(0, 256, (10, 28, 28))


def fake(n):
    y = rng.randint(0, 10, n)
    x = np.clip(prototypes[y] + rng.normal(0, 100, (n, 28, 28)), 0, 255).astype("uint8")
    return x, y.astype("uint8")


(x_train, y_train), (x_test, y_test) = fake(1500), fake(300)
np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
print("wrote", path)
