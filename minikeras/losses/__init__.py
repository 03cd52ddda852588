"""`minikeras.losses`: loss functions and classes by Keras name."""

from __future__ import annotations

from minikeras.losses.loss import Loss, LossFunctionWrapper
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

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

ALL_OBJECTS = {
    cls.__name__: cls
    for cls in (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
                BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)
}
ALL_FUNCTIONS = {
    fn.__name__: fn
    for fn in (mean_squared_error, mean_absolute_error, binary_crossentropy,
               categorical_crossentropy, sparse_categorical_crossentropy)
}
ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
           "MAE": mean_absolute_error}


def serialize(loss):
    """A Keras-style config of a loss: a name for functions, a dict for `Loss` objects."""
    if isinstance(loss, Loss) and type(loss) is not LossFunctionWrapper:
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    if isinstance(loss, LossFunctionWrapper):
        return serialize(loss.fn)
    return getattr(loss, "__name__", str(loss))


def deserialize(config, custom_objects=None):
    """Returns the loss named or described by `config`."""
    if isinstance(config, dict):
        name = config.get("class_name")
        cls = ALL_OBJECTS.get(name)
        if cls is None:
            from minikeras.saving.object_registration import get_registered_object

            cls = get_registered_object(name, custom_objects)
        if cls is None:
            raise ValueError(f"Unknown loss: '{name}'.")
        return cls.from_config(dict(config.get("config", {})))
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
                f"{sorted(set(ALL_FUNCTIONS) | set(ALIASES))}")
        return found
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
