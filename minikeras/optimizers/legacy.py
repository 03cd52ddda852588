"""`optimizers.legacy`: the tf.keras 2.11+ legacy optimizer names.

They are the same classes as `minikeras.optimizers` (which already honour the
Keras 2 `lr=` and `decay=` arguments), so code written against
`tf.keras.optimizers.legacy.Adam(lr=0.01, decay=1e-4)` runs unchanged.
"""

from __future__ import annotations

from minikeras.optimizers.adadelta import Adadelta
from minikeras.optimizers.adagrad import Adagrad
from minikeras.optimizers.adam import Adam
from minikeras.optimizers.adamax import Adamax
from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.ftrl import Ftrl
from minikeras.optimizers.nadam import Nadam
from minikeras.optimizers.rmsprop import RMSprop
from minikeras.optimizers.sgd import SGD

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop", "SGD"]
