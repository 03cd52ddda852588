"""`minikeras.optimizers`: optimizers by Keras name (`"sgd"`, `"adam"`, ...)."""

from __future__ import annotations

from minikeras.optimizers import schedules
from minikeras.optimizers.adadelta import Adadelta
from minikeras.optimizers.adafactor import Adafactor
from minikeras.optimizers.adagrad import Adagrad
from minikeras.optimizers.adam import Adam
from minikeras.optimizers.adamax import Adamax
from minikeras.optimizers.adamw import AdamW
from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.ftrl import Ftrl
from minikeras.optimizers.lamb import Lamb
from minikeras.optimizers.lion import Lion
from minikeras.optimizers.nadam import Nadam
from minikeras.optimizers.rmsprop import RMSprop
from minikeras.optimizers.sgd import SGD

ALL_OPTIMIZERS = {
    cls.__name__.lower(): cls
    for cls in (
        SGD,
        Adam,
        AdamW,
        Adamax,
        Nadam,
        RMSprop,
        Adagrad,
        Adadelta,
        Adafactor,
        Ftrl,
        Lion,
        Lamb,
    )
}

from minikeras.optimizers import legacy  # noqa: E402  (needs the classes above)


def serialize(optimizer) -> dict:
    """Keras-style dict of an optimizer."""
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """Builds an optimizer from a Keras 2 or Keras 3 config dict."""
    name = config["class_name"]
    if name.startswith("Custom>"):
        name = name[len("Custom>") :]
    cls = ALL_OPTIMIZERS.get(name.lower())
    if cls is None:
        from minikeras.saving.object_registration import get_registered_object

        cls = get_registered_object(config["class_name"], custom_objects)
    if cls is None:
        raise ValueError(
            f"Could not interpret optimizer identifier: '{config['class_name']}'. Valid names "
            f"are: {sorted(ALL_OPTIMIZERS)}"
        )
    return cls.from_config(dict(config.get("config", {})))


def get(identifier, custom_objects=None):
    """Returns an optimizer from a name (`"adam"`), dict or instance.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        cls = ALL_OPTIMIZERS.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: '{identifier}'. Valid names are: "
                f"{sorted(ALL_OPTIMIZERS)}"
            )
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


# Keras 1/2 lower-case aliases (`keras.optimizers.sgd(lr=0.01)`)
sgd = SGD
adam = Adam
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adamax = Adamax
nadam = Nadam
