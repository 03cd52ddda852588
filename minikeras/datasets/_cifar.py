"""Reading CIFAR batch files (pickled dicts) without unpickling code."""

from __future__ import annotations

import os

import numpy as np

from minikeras.backend import config
from minikeras.datasets._cache import cached_file
from minikeras.utils.pickle_reader import loads


def load_batch(fpath, label_key="labels"):
    """`(data (n, 3, 32, 32) uint8, labels)` from one CIFAR python batch file."""
    with open(fpath, "rb") as f:
        d = loads(f.read(), encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = np.asarray(d["data"])
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def cifar_folder(name, origin, file_hash):
    """The folder holding the batches: Keras 3's `<name>-target/<name>` or Keras 2's `<name>`."""
    root = cached_file(name + "-target", origin, file_hash, extract=True, also=(name,))
    inner = os.path.join(root, name)
    return inner if os.path.isdir(inner) else root


def to_data_format(x):
    """Channels-first batches to the configured image data format."""
    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
