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

__all__ = ["CustomObjectScope", "Progbar", "custom_object_scope", "get_custom_objects",
           "normalize", "register_keras_serializable", "set_random_seed", "to_categorical"]
