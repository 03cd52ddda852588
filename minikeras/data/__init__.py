"""`minikeras.data`: the `tf.data` API on NumPy (`Dataset`, `AUTOTUNE`, `experimental`).

Each name is imported on first use (`minikeras.utils.lazy_imports`).
"""

from typing import TYPE_CHECKING

from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports

if TYPE_CHECKING:
    from minikeras.data import experimental
    from minikeras.data.dataset import AUTOTUNE, Dataset, Options
    from minikeras.data.dataset import INFINITE as INFINITE_CARDINALITY
    from minikeras.data.dataset import UNKNOWN as UNKNOWN_CARDINALITY
    from minikeras.data.spec import TensorSpec
    from minikeras.data.text_lines import TextLineDataset

__getattr__, __dir__ = _lazy_imports(__name__)

__all__ = [
    "AUTOTUNE",
    "Dataset",
    "INFINITE_CARDINALITY",
    "Options",
    "TensorSpec",
    "TextLineDataset",
    "UNKNOWN_CARDINALITY",
    "experimental",
]
