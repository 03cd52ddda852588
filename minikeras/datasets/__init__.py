"""`keras.datasets`: the small Keras datasets, read from the Keras cache folder.

Files are looked up in `$KERAS_HOME/datasets` (default `~/.keras/datasets`)
under the names and formats Keras uses, so a cache filled by Keras works as
is. A missing file is downloaded from Keras's usual source; offline, the
error says where to put it. Nothing is downloaded at import time.
"""

from minikeras.datasets import (
    boston_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
