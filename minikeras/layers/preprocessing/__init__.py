"""Preprocessing layers."""

from minikeras.layers.preprocessing.image_size import (
    CenterCrop,
    Resizing,
)
from minikeras.layers.preprocessing.normalization import (
    Normalization,
)
from minikeras.layers.preprocessing.rescaling import (
    Rescaling,
)
