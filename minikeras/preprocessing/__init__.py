"""Keras 2 `keras.preprocessing`: `sequence`, `text`, `image`, and the dataset builders."""

from minikeras.preprocessing import image, sequence, text
from minikeras.utils.image_dataset_utils import image_dataset_from_directory
from minikeras.utils.text_dataset_utils import text_dataset_from_directory

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text",
    "text_dataset_from_directory",
]
