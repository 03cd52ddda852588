"""`minikeras.callbacks`: hooks into training.

`TensorBoard` and `RemoteMonitor` are not provided (they need TensorFlow's event
writer / a network); looking them up raises an `AttributeError` that says so.
"""

from typing import TYPE_CHECKING

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.callbacks.backup_and_restore import BackupAndRestore
    from minikeras.callbacks.callback import Callback, CallbackList
    from minikeras.callbacks.csv_logger import CSVLogger
    from minikeras.callbacks.early_stopping import EarlyStopping
    from minikeras.callbacks.history import History
    from minikeras.callbacks.lambda_callback import LambdaCallback
    from minikeras.callbacks.learning_rate_scheduler import LearningRateScheduler
    from minikeras.callbacks.model_checkpoint import ModelCheckpoint
    from minikeras.callbacks.monitor_callback import MonitorCallback
    from minikeras.callbacks.progbar_logger import ProgbarLogger
    from minikeras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
    from minikeras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "Callback",
    "CallbackList",
    "CSVLogger",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "MonitorCallback",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]

_NOT_PROVIDED = {
    "TensorBoard": "writing TensorBoard event files needs TensorFlow, which minikeras avoids",
    "RemoteMonitor": "minikeras does not send training logs over the network",
}


def _not_provided(name: str):
    if name in _NOT_PROVIDED:
        raise AttributeError(
            f"minikeras.callbacks has no `{name}`: {_NOT_PROVIDED[name]}. Remove it from "
            "`callbacks=[...]`; `CSVLogger` or the `History` returned by `fit()` record "
            "the training curves."
        )
    raise AttributeError(f"module 'minikeras.callbacks' has no attribute '{name}'")


__getattr__, __dir__ = _lazy_imports(__name__, missing=_not_provided)
