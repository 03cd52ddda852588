"""`minikeras.losses`: loss functions and classes by Keras name."""

from __future__ import annotations

from minikeras.losses.focal_losses import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
)
from minikeras.losses.hinge_losses import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from minikeras.losses.loss import Loss, LossFunctionWrapper, Reduction
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
from minikeras.utils.module_lookup import class_by_name, serialize_keras_object

# Keras 2 / legacy spellings (Keras 3 still resolves them as strings)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
cosine_proximity = cosine_similarity

ALL_OBJECTS = {
    cls.__name__: cls
    for cls in (
        Loss,
        LossFunctionWrapper,
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Huber,
        LogCosh,
        KLDivergence,
        Poisson,
        CosineSimilarity,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        BinaryCrossentropy,
        BinaryFocalCrossentropy,
        CategoricalCrossentropy,
        CategoricalFocalCrossentropy,
        SparseCategoricalCrossentropy,
        Dice,
        Tversky,
    )
}
ALL_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        mean_squared_error,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        huber,
        log_cosh,
        kl_divergence,
        poisson,
        cosine_similarity,
        hinge,
        squared_hinge,
        categorical_hinge,
        binary_crossentropy,
        binary_focal_crossentropy,
        categorical_crossentropy,
        categorical_focal_crossentropy,
        sparse_categorical_crossentropy,
        dice,
        tversky,
    )
}
ALIASES = {
    "mse": mse,
    "MSE": mse,
    "mae": mae,
    "MAE": mae,
    "mape": mape,
    "MAPE": mape,
    "msle": msle,
    "MSLE": msle,
    "kld": kld,
    "KLD": kld,
    "kullback_leibler_divergence": kld,
    "logcosh": logcosh,
    "huber_loss": huber,
    "cosine_proximity": cosine_similarity,
}


from minikeras.saving.function_refs import deserialize_function  # noqa: E402


def serialize(loss):
    """A Keras-style config of a loss: a name for functions, a dict for `Loss` objects."""
    if isinstance(loss, Loss):
        return serialize_keras_object(loss, "keras.losses")
    return getattr(loss, "__name__", str(loss))


def deserialize(config, custom_objects=None):
    """Returns the loss named or described by `config`."""
    if isinstance(config, dict):
        cls = class_by_name(
            config.get("class_name"),
            "loss",
            ALL_OBJECTS,
            custom_objects=custom_objects,
            hint=f" Known loss classes: {sorted(ALL_OBJECTS)}. Pass custom losses with "
            "`custom_objects={...}`.",
        )
        cfg = dict(config.get("config", {}))
        if cls is LossFunctionWrapper and "fn" in cfg:
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
        found = ALIASES.get(identifier) or ALL_FUNCTIONS.get(identifier)
        if found is None and identifier in ALL_OBJECTS:
            found = ALL_OBJECTS[identifier]()
        if found is None:
            from minikeras.saving.object_registration import get_registered_object

            found = get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Could not interpret loss identifier: {identifier!r}. Valid names include: "
                f"{sorted(set(ALL_FUNCTIONS) | set(ALIASES))}"
            )
        return found
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
