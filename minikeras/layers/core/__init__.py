"""Core layers (also importable as the legacy `keras.layers.core`)."""

from minikeras.layers._legacy_paths import forwarder as _forwarder

# Keras 2's `keras.layers.core` also held these; they resolve from `minikeras.layers`.
NAMES = (
    "Dense",
    "Activation",
    "Dropout",
    "Flatten",
    "Reshape",
    "Lambda",
    "Masking",
    "Permute",
    "RepeatVector",
    "ActivityRegularization",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "InputLayer",
    "Input",
)

__getattr__, __dir__ = _forwarder(__name__, NAMES)
