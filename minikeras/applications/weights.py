"""Where application weights come from: the Keras cache, or a file the user names.

Keras downloads `weights="imagenet"` files into `$KERAS_HOME/models/` (`~/.keras/models/`)
under fixed names. minikeras reads the same files from the same place and never
downloads: a missing file is an error that gives the file name, the URL Keras uses and
where to put it.
"""

from __future__ import annotations

import os

from minikeras.applications.imagenet_utils import keras_home_models


def cached_file(file_name: str, origin: str) -> str:
    """Path of `file_name` in the Keras cache (`$KERAS_HOME/models/`).

    Args:
        file_name: The exact name Keras gives the downloaded file.
        origin: The URL Keras downloads it from (quoted in the error).

    Returns:
        The path of the cached file.

    Raises:
        FileNotFoundError: If the file is not in the cache.
    """
    folder = keras_home_models()
    path = os.path.join(folder, file_name)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"The weights file {file_name!r} is not in the Keras cache. minikeras does not "
            f"download files: fetch it from {origin} and place it at {path} (the folder "
            f"is $KERAS_HOME/models, by default ~/.keras/models), or pass the file's path "
            "as `weights=`."
        )
    return path


def check_weights_argument(weights, include_top: bool, classes: int) -> None:
    """The `weights`/`classes` checks every application starts with."""
    if not (
        weights in {"imagenet", None}
        or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))
    ):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to "
            f"be loaded. Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be "
            f"1000. Received: classes={classes}"
        )


def resolve_weights(weights, file_name: str | None, origin: str) -> str | None:
    """The file to load: the cached ImageNet file, the user's path, or None.

    Called before the model is built, so a missing file fails fast.
    """
    if weights == "imagenet":
        return cached_file(file_name, origin)
    return weights


def load_weights_file(model, weights_path):
    """Loads `weights_path` (if any) into a freshly built application and returns it."""
    if weights_path is not None:
        model.load_weights(weights_path)
    return model
