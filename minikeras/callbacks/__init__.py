"""`minikeras.callbacks`: hooks into training."""

from minikeras.callbacks.callback import Callback, CallbackList
from minikeras.callbacks.history import History
from minikeras.callbacks.progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
