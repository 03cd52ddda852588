"""`minikeras.utils`: data helpers, progress bar, summary printing."""

from minikeras.backend.config import set_random_seed
from minikeras.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    register_keras_serializable,
)
from minikeras.utils.numerical_utils import normalize, to_categorical
from minikeras.utils.plotting import history_to_text, plot_history
from minikeras.utils.progbar import Progbar

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "custom_object_scope",
    "get_custom_objects",
    "normalize",
    "register_keras_serializable",
    "set_random_seed",
    "to_categorical",
]

# Data and file utilities (opscompat).
from minikeras.utils.file_utils import get_file  # noqa: E402
from minikeras.utils.model_visualization import model_to_dot, plot_model  # noqa: E402
from minikeras.utils.py_dataset import PyDataset, Sequence  # noqa: E402
from minikeras.utils.sequence_utils import pad_sequences  # noqa: E402

__all__ += ["PyDataset", "Sequence", "get_file", "model_to_dot", "pad_sequences", "plot_model"]
from minikeras.trainers.data_adapters.data_adapter_utils import (  # noqa: E402
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from minikeras.utils import np_utils, vis_utils  # noqa: E402
from minikeras.utils.image_dataset_utils import image_dataset_from_directory  # noqa: E402
from minikeras.utils.image_utils import (  # noqa: E402
    array_to_img,
    img_to_array,
    load_img,
    save_img,
)
from minikeras.utils.text_dataset_utils import text_dataset_from_directory  # noqa: E402
from minikeras.utils.timeseries_dataset_utils import timeseries_dataset_from_array  # noqa: E402

__all__ += [
    "array_to_img",
    "image_dataset_from_directory",
    "img_to_array",
    "load_img",
    "save_img",
    "text_dataset_from_directory",
]
__all__ += ["pack_x_y_sample_weight", "unpack_x_y_sample_weight"]
