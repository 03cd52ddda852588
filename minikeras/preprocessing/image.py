"""Keras 2 `keras.preprocessing.image`: `ImageDataGenerator`, its iterators, transforms and
the image file helpers."""

from minikeras.preprocessing.affine_transformations import (
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    transform_matrix_offset_center,
)
from minikeras.preprocessing.dataframe_iterator import DataFrameIterator
from minikeras.preprocessing.image_data_generator import ImageDataGenerator
from minikeras.preprocessing.image_iterators import (
    DirectoryIterator,
    Iterator,
    NumpyArrayIterator,
)
from minikeras.utils.image_utils import (
    array_to_img,
    img_to_array,
    load_img,
    save_img,
    smart_resize,
)

__all__ = [
    "DataFrameIterator",
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "array_to_img",
    "flip_axis",
    "img_to_array",
    "load_img",
    "save_img",
    "smart_resize",
    "transform_matrix_offset_center",
]
