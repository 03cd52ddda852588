"""`minikeras.losses`: loss functions and classes by Keras name."""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

from minikeras.losses.loss import Loss, LossFunctionWrapper, Reduction
from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports
from minikeras.utils.module_lookup import class_by_name, serialize_keras_object

if TYPE_CHECKING:  # lower-case short names: Keras 2 / legacy spellings, still resolved as strings
    from minikeras.losses.focal_losses import (
        BinaryFocalCrossentropy,
        CategoricalFocalCrossentropy,
        CategoricalGeneralizedCrossEntropy,
        binary_focal_crossentropy,
        categorical_focal_crossentropy,
        categorical_generalized_cross_entropy,
    )
    from minikeras.losses.hinge_losses import (
        CategoricalHinge,
        Hinge,
        SquaredHinge,
        categorical_hinge,
        hinge,
        squared_hinge,
    )
    from minikeras.losses.losses import (
        BinaryCrossentropy,
        CategoricalCrossentropy,
        MeanAbsoluteError,
        MeanSquaredError,
        SparseCategoricalCrossentropy,
        binary_crossentropy,
        categorical_crossentropy,
        mean_absolute_error,
        mean_squared_error,
        sparse_categorical_crossentropy,
    )
    from minikeras.losses.losses import mean_absolute_error as MAE
    from minikeras.losses.losses import mean_absolute_error as mae
    from minikeras.losses.losses import mean_squared_error as MSE
    from minikeras.losses.losses import mean_squared_error as mse
    from minikeras.losses.overlap_losses import Dice, Tversky, dice, tversky
    from minikeras.losses.regression_losses import (
        CosineSimilarity,
        Huber,
        KLDivergence,
        LogCosh,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Poisson,
        cosine_similarity,
        huber,
        kl_divergence,
        log_cosh,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        poisson,
    )
    from minikeras.losses.regression_losses import cosine_similarity as cosine_proximity
    from minikeras.losses.regression_losses import huber as huber_loss
    from minikeras.losses.regression_losses import kl_divergence as KLD
    from minikeras.losses.regression_losses import kl_divergence as kld
    from minikeras.losses.regression_losses import kl_divergence as kullback_leibler_divergence
    from minikeras.losses.regression_losses import log_cosh as logcosh
    from minikeras.losses.regression_losses import mean_absolute_percentage_error as MAPE
    from minikeras.losses.regression_losses import mean_absolute_percentage_error as mape
    from minikeras.losses.regression_losses import mean_squared_logarithmic_error as MSLE
    from minikeras.losses.regression_losses import mean_squared_logarithmic_error as msle

__getattr__, __dir__ = _lazy_imports(__name__)

_CLASS_NAMES = (
    "Loss",
    "LossFunctionWrapper",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "CosineSimilarity",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "SparseCategoricalCrossentropy",
    "Dice",
    "Tversky",
)

_FUNCTION_NAMES = (
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "kl_divergence",
    "poisson",
    "cosine_similarity",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "sparse_categorical_crossentropy",
    "dice",
    "tversky",
)

_ALIASES = (
    "mse",
    "MSE",
    "mae",
    "MAE",
    "mape",
    "MAPE",
    "msle",
    "MSLE",
    "kld",
    "KLD",
    "kullback_leibler_divergence",
    "logcosh",
    "huber_loss",
    "cosine_proximity",
)


@functools.cache
def _tables() -> tuple[dict, dict, dict]:
    """`(classes by name, functions by name, aliases)`; building them imports every loss
    module, so it waits for the first lookup."""
    package = sys.modules[__name__]
    classes = {name: getattr(package, name) for name in _CLASS_NAMES}
    functions = {name: getattr(package, name) for name in _FUNCTION_NAMES}
    aliases = {name: getattr(package, name) for name in _ALIASES}
    return classes, functions, aliases


def serialize(loss):
    """A Keras-style config of a loss: a name for functions, a dict for `Loss` objects."""
    if isinstance(loss, Loss):
        return serialize_keras_object(loss, "keras.losses")
    return getattr(loss, "__name__", str(loss))


def deserialize(config, custom_objects=None):
    """Returns the loss named or described by `config`."""
    if isinstance(config, dict):
        classes = _tables()[0]
        cls = class_by_name(
            config.get("class_name"),
            "loss",
            classes,
            custom_objects=custom_objects,
            hint=f" Known loss classes: {sorted(classes)}. Pass custom losses with "
            "`custom_objects={...}`.",
        )
        cfg = dict(config.get("config", {}))
        if cls is LossFunctionWrapper and "fn" in cfg:
            from minikeras.saving.function_refs import deserialize_function

            cfg["fn"] = deserialize_function(cfg["fn"], custom_objects)
        return cls.from_config(cfg)
    return get(config, custom_objects)


def get(identifier, custom_objects=None):
    """Returns a loss function or object from a name, dict, class, function or instance.

    Raises:
        ValueError: for an unknown name, listing valid names.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return custom_objects[identifier]
        classes, functions, aliases = _tables()
        found = aliases.get(identifier) or functions.get(identifier)
        if found is None and identifier in classes:
            found = classes[identifier]()
        if found is None:
            from minikeras.saving.object_registration import get_registered_object

            found = get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Could not interpret loss identifier: {identifier!r}. Valid names include: "
                f"{sorted(set(functions) | set(aliases))}"
            )
        return found
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
