"""Which Keras version and backend wrote a file, from what the file says about itself.

Keras 1 files often carry no `keras_version` (Keras < 1.1) and no `backend`
attribute (Keras 1); weight names still tell the backend apart, because only
TensorFlow variables end in `:0`. Theano ran true convolutions, so the kernels
it wrote must be flipped to be used for TensorFlow-style cross-correlation.
"""

from __future__ import annotations

import dataclasses
import warnings

BACKENDS = ("tensorflow", "theano")
# Layers whose kernels Theano applied as true convolutions.
FLIPPED_KERNEL_LAYERS = (
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv2D",
    "ConvLSTM2D",
)


@dataclasses.dataclass
class FileOrigin:
    """What wrote a file.

    Attributes:
        keras_version: The `keras_version` the file (or its JSON) records, or None.
        backend: `"tensorflow"`, `"theano"` or None when nothing says.
        keras1: True when the file's configs use Keras 1 names.
        keras3_hard_sigmoid: True when the file says its `hard_sigmoid` is Keras 3's
            (minikeras' Keras 2 JSON of a model using Keras 3's definition).
    """

    keras_version: str | None = None
    backend: str | None = None
    keras1: bool = False
    keras3_hard_sigmoid: bool = False

    @property
    def major(self) -> int | None:
        """1, 2 or 3, or None when the file names no version and has no Keras 1 config."""
        if self.keras_version:
            head = str(self.keras_version).split(".", 1)[0]
            if head.isdigit():
                return int(head)
        return 1 if self.keras1 else None

    @property
    def pre_keras3(self) -> bool:
        """Keras 1/2 definitions apply (a file naming no version is taken as Keras 2)."""
        major = self.major
        return major is None or major < 3


def check_backend_argument(legacy_backend) -> str | None:
    """Validates `load_model(..., legacy_backend=)`.

    Raises:
        ValueError: for anything but None, "tensorflow" or "theano".
    """
    if legacy_backend is None or legacy_backend in BACKENDS:
        return legacy_backend
    raise ValueError(
        "`legacy_backend` must be None (read it from the file), 'tensorflow' or 'theano'. "
        f"Received: legacy_backend={legacy_backend!r}"
    )


def text(value) -> str | None:
    """An HDF5 attribute or JSON value as `str` (bytes decoded), None stays None."""
    if value is None:
        return None
    if hasattr(value, "shape") and getattr(value, "shape", None) == ():
        value = value[()]
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def backend_from_weight_names(names) -> str | None:
    """`"tensorflow"` when all names end in `:0`, `"theano"` when none does, else None."""
    names = [n for n in names if n]
    if not names:
        return None
    with_suffix = sum(n.endswith(":0") for n in names)
    if with_suffix == len(names):
        return "tensorflow"
    if with_suffix == 0:
        return "theano"
    return None


def resolve_backend(
    origin: FileOrigin, weight_names, conv_layers, th_ordering: bool, legacy_backend=None
) -> str:
    """The backend whose conventions the weights follow, warning where it is a guess.

    Args:
        origin: What the file's attributes and config say.
        weight_names: All weight dataset names of the file.
        conv_layers: Names of the model's layers whose kernels a backend would flip.
        th_ordering: Whether a Keras 1 config used `dim_ordering='th'`.
        legacy_backend: The caller's choice, overriding the file.
    """
    if legacy_backend is not None:
        return legacy_backend
    if origin.backend in BACKENDS:
        return origin.backend
    if not origin.pre_keras3:
        return "tensorflow"
    by_names = backend_from_weight_names(weight_names)
    if by_names is not None and origin.major in (1, 2):
        return by_names  # Keras 1/2 named weights after the backend's variables
    if th_ordering:
        return "theano"
    if conv_layers:
        warnings.warn(
            f"The file does not say which backend wrote it; loading the kernels of "
            f"{conv_layers[0]!r} (and other convolutions) with TensorFlow's orientation. If "
            "it was saved with Theano, load it with `load_model(..., "
            "legacy_backend='theano')`.",
            UserWarning,
            stacklevel=4,
        )
    return "tensorflow"
