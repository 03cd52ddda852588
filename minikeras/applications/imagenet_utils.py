"""ImageNet helpers shared by every application: input checks, preprocessing, decoding.

Mirrors `keras/src/applications/imagenet_utils.py`: `preprocess_input` (modes `caffe`,
`tf`, `torch`), `decode_predictions` (top-k ImageNet labels from the class-index JSON in
the Keras cache) and the argument checks the architectures share.
"""

from __future__ import annotations

import json
import os

import numpy as np

from minikeras.backend import config
from minikeras.backend.keras_tensor import KerasTensor

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CLASS_INDEX = None

_CAFFE_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def preprocess_input(x, data_format: str | None = None, mode: str = "caffe"):
    """Preprocesses a batch of images as the ImageNet weights expect.

    `keras.applications.imagenet_utils.preprocess_input(x, data_format=None, mode="caffe")`

    Args:
        x: Float or integer array (3-D or 4-D) with pixel values in `[0, 255]`.
            A float NumPy array is modified in place, as in Keras.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.
        mode: `"caffe"` (RGB to BGR, minus the ImageNet mean), `"tf"` (scaled to
            `[-1, 1]`) or `"torch"` (scaled to `[0, 1]`, then normalized per channel).

    Returns:
        The preprocessed float array.

    Raises:
        ValueError: On an unknown `mode` or `data_format`.

    Example:
        >>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode="tf").max()
        1.0
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    if data_format is None:
        data_format = config.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    if not isinstance(x, np.ndarray):
        return _preprocess_tensor(x, data_format, mode)
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(config.floatx())
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis, shape = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = np.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    x -= np.asarray(mean, x.dtype).reshape(shape)
    if std is not None:
        x /= np.asarray(std, x.dtype).reshape(shape)
    return x


def _channel_axis(ndim: int, data_format: str) -> tuple:
    axis = (0 if ndim == 3 else 1) if data_format == "channels_first" else ndim - 1
    shape = [1] * ndim
    shape[axis] = 3
    return axis, tuple(shape)


def _preprocess_tensor(x, data_format: str, mode: str):
    """The same arithmetic through `ops`, so symbolic inputs build a graph."""
    from minikeras import ops

    if not isinstance(x, KerasTensor):
        x = ops.convert_to_tensor(x, dtype=config.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    axis, shape = _channel_axis(len(x.shape), data_format)
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = ops.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    x = x - np.asarray(mean, config.floatx()).reshape(shape)
    if std is not None:
        x = x / np.asarray(std, config.floatx()).reshape(shape)
    return x


def _class_index() -> dict:
    global _CLASS_INDEX
    if _CLASS_INDEX is None:
        from minikeras.applications.weights import cached_file

        with open(cached_file(CLASS_INDEX_FILE, CLASS_INDEX_PATH), encoding="utf-8") as f:
            _CLASS_INDEX = json.load(f)
    return _CLASS_INDEX


def decode_predictions(preds, top: int = 5) -> list:
    """Decodes ImageNet predictions into `(class_name, description, score)` tuples.

    `keras.applications.imagenet_utils.decode_predictions(preds, top=5)`. Reads
    `imagenet_class_index.json` from the Keras cache (`$KERAS_HOME/models/`).

    Args:
        preds: Array of shape `(samples, 1000)`.
        top: How many top guesses to return per sample.

    Returns:
        One list of tuples per sample, best first.

    Raises:
        ValueError: If `preds` is not `(samples, 1000)`.
        FileNotFoundError: If the class-index file is not in the cache (the message
            gives its URL and where to put it).
    """
    preds = np.asarray(getattr(preds, "numpy", lambda: preds)())
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
            f"shape (samples, 1000)). Received array with shape: {preds.shape}"
        )
    index = _class_index()
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [(*index[str(i)], pred[i]) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(
    input_shape,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights=None,
) -> tuple:
    """Validates an application's `input_shape` and fills in the default one."""
    channels_first = data_format == "channels_first"
    channels = None
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
    channels = channels or 3
    if channels_first:
        default_shape = (channels, default_size, default_size)
    else:
        default_shape = (default_size, default_size, channels)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}. Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(
                "`input_shape` must be a tuple of three integers. "
                f"Received: input_shape={input_shape}"
            )
        rows, cols = input_shape[1:] if channels_first else input_shape[:2]
        channel = input_shape[0] if channels_first else input_shape[-1]
        if channel != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`"
            )
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; "
                f"Received: input_shape={input_shape}"
            )
        return tuple(input_shape)
    if require_flatten:
        return default_shape
    return (3, None, None) if channels_first else (None, None, 3)


def correct_pad(inputs, kernel_size) -> tuple:
    """The `ZeroPadding2D` padding that makes a strided 'valid' conv act like TF's 'same'."""
    data_format = config.image_data_format()
    size = inputs.shape[2:4] if data_format == "channels_first" else inputs.shape[1:3]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights) -> None:
    """Pretrained tops accept only `None` or `"softmax"` as their activation."""
    if weights is None:
        return
    if classifier_activation not in {"softmax", None}:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )


def keras_home_models() -> str:
    """The folder Keras downloads application weights into: `$KERAS_HOME/models`."""
    from minikeras.utils.file_utils import keras_home

    return os.path.join(keras_home(), "models")
