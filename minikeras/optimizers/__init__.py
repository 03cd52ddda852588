"""`minikeras.optimizers`: optimizers by Keras name (`"sgd"`, `"adam"`, ...)."""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:  # lower-case names: the Keras 1/2 aliases (`keras.optimizers.sgd(lr=0.01)`)
    from minikeras.optimizers import legacy, schedules
    from minikeras.optimizers.adadelta import Adadelta
    from minikeras.optimizers.adadelta import Adadelta as adadelta
    from minikeras.optimizers.adafactor import Adafactor
    from minikeras.optimizers.adagrad import Adagrad
    from minikeras.optimizers.adagrad import Adagrad as adagrad
    from minikeras.optimizers.adam import Adam
    from minikeras.optimizers.adam import Adam as adam
    from minikeras.optimizers.adamax import Adamax
    from minikeras.optimizers.adamax import Adamax as adamax
    from minikeras.optimizers.adamw import AdamW
    from minikeras.optimizers.ftrl import Ftrl
    from minikeras.optimizers.lamb import Lamb
    from minikeras.optimizers.lion import Lion
    from minikeras.optimizers.nadam import Nadam
    from minikeras.optimizers.nadam import Nadam as nadam
    from minikeras.optimizers.rmsprop import RMSprop
    from minikeras.optimizers.rmsprop import RMSprop as rmsprop
    from minikeras.optimizers.sgd import SGD
    from minikeras.optimizers.sgd import SGD as sgd

__getattr__, __dir__ = _lazy_imports(__name__)


_BUILT_IN = (
    "SGD",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adafactor",
    "Ftrl",
    "Lion",
    "Lamb",
)


@functools.cache
def _all_optimizers() -> dict[str, type[Optimizer]]:
    """`{lower-case class name: class}` of the built-in optimizers (imports them once)."""
    package = sys.modules[__name__]
    return {name.lower(): getattr(package, name) for name in _BUILT_IN}


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
    cls = _all_optimizers().get(name.lower())
    if cls is None:
        from minikeras.saving.object_registration import get_registered_object

        cls = get_registered_object(config["class_name"], custom_objects)
    if cls is None:
        raise ValueError(
            f"Could not interpret optimizer identifier: '{config['class_name']}'. Valid names "
            f"are: {sorted(_all_optimizers())}"
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
        cls = _all_optimizers().get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: '{identifier}'. Valid names are: "
                f"{sorted(_all_optimizers())}"
            )
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
