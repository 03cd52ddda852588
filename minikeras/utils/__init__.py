"""`minikeras.utils`: data helpers, progress bar, summary printing.

Each name is imported on first use (`minikeras.utils.lazy_imports`).
"""

from typing import TYPE_CHECKING

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.backend.config import set_random_seed
    from minikeras.saving.object_registration import (
        CustomObjectScope,
        custom_object_scope,
        get_custom_objects,
        register_keras_serializable,
    )
    from minikeras.trainers.data_adapters.data_adapter_utils import (
        pack_x_y_sample_weight,
        unpack_x_y_sample_weight,
    )
    from minikeras.utils import np_utils, vis_utils
    from minikeras.utils.file_utils import get_file
    from minikeras.utils.image_dataset_utils import image_dataset_from_directory
    from minikeras.utils.image_utils import array_to_img, img_to_array, load_img, save_img
    from minikeras.utils.model_visualization import model_to_dot, plot_model
    from minikeras.utils.numerical_utils import normalize, to_categorical
    from minikeras.utils.plotting import history_to_text, plot_history
    from minikeras.utils.progbar import Progbar
    from minikeras.utils.py_dataset import PyDataset, Sequence
    from minikeras.utils.sequence_utils import pad_sequences
    from minikeras.utils.text_dataset_utils import text_dataset_from_directory
    from minikeras.utils.timeseries_dataset_utils import timeseries_dataset_from_array

__getattr__, __dir__ = _lazy_imports(__name__)

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "PyDataset",
    "Sequence",
    "array_to_img",
    "custom_object_scope",
    "get_custom_objects",
    "get_file",
    "image_dataset_from_directory",
    "img_to_array",
    "load_img",
    "model_to_dot",
    "normalize",
    "pack_x_y_sample_weight",
    "pad_sequences",
    "plot_model",
    "register_keras_serializable",
    "save_img",
    "set_random_seed",
    "text_dataset_from_directory",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
