"""Writes small synthetic `mnist.npz` and `imdb.npz` (Keras's formats) into `$KERAS_HOME/datasets/`.

For running the compat scripts that call `keras.datasets.*.load_data()` offline. Refuses
to overwrite existing files, so a real cached dataset is never replaced.
"""

import os
import sys

import numpy as np

home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
folder = os.path.join(home, "datasets")
paths = {name: os.path.join(folder, name) for name in ("mnist.npz", "imdb.npz")}
existing = [p for p in paths.values() if os.path.exists(p)]
if existing:
    sys.exit(f"{', '.join(existing)} exists already; set KERAS_HOME to a scratch folder.")
os.makedirs(folder, exist_ok=True)
rng = np.random.RandomState(0)

# MNIST: noisy per-class prototype images.
prototypes = rng.randint(0, 256, (10, 28, 28))


def fake_digits(n):
    y = rng.randint(0, 10, n)
    x = np.clip(prototypes[y] + rng.normal(0, 100, (n, 28, 28)), 0, 255).astype("uint8")
    return x, y.astype("uint8")


(x_train, y_train), (x_test, y_test) = fake_digits(1500), fake_digits(300)
np.savez(paths["mnist.npz"], x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)

# IMDB: word indices (before Keras's index_from=3 shift); positive reviews use more of the
# words 1-20, negative ones more of the words 21-40.


def fake_reviews(n):
    labels = rng.randint(0, 2, n)
    reviews = np.empty(n, dtype=object)
    for i, label in enumerate(labels):
        words = rng.randint(41, 5000, rng.randint(20, 120))
        marked = rng.rand(len(words)) < 0.15
        words[marked] = rng.randint(1, 21, marked.sum()) + (0 if label else 20)
        reviews[i] = [int(w) for w in words]
    return reviews, labels


(r_train, l_train), (r_test, l_test) = fake_reviews(600), fake_reviews(200)
np.savez(paths["imdb.npz"], x_train=r_train, y_train=l_train, x_test=r_test, y_test=l_test)
print("wrote", ", ".join(paths.values()))
