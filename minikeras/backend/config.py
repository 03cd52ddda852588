"""Global configuration: float type, epsilon, image data format, random seed."""

from __future__ import annotations

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_VALID_FLOATX = ("float16", "float32", "float64")
_rng: np.random.Generator | None = None  # made on first use (importing numpy.random is slow)


def floatx() -> str:
    """Returns the default float type, as a string (default `"float32"`)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float type.

    Args:
        value: One of `"float16"`, `"float32"`, `"float64"`.
    """
    global _FLOATX
    value = str(value)
    if value not in _VALID_FLOATX:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {_VALID_FLOATX}")
    _FLOATX = value


def epsilon() -> float:
    """Returns the fuzz factor used in numeric expressions (default `1e-7`)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Returns the default image data format (`"channels_last"`)."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default image data format: `"channels_last"` or `"channels_first"`."""
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """Returns `data_format`, or the global default when it is None, validated."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def backend() -> str:
    """Returns the name of the backend: always `"numpy"`."""
    return "numpy"


def rng() -> np.random.Generator:
    """Returns the global random generator that initializers and dropout draw from."""
    global _rng
    if _rng is None:
        _rng = np.random.default_rng()
    return _rng


def set_random_seed(seed: int) -> None:
    """Seeds minikeras' global generator and NumPy's legacy global generator.

    Args:
        seed: Integer seed. Same seed, same initial weights, same shuffles.
    """
    global _rng
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed} "
            f"(of type {type(seed)})"
        )
    import random

    random.seed(int(seed))
    np.random.seed(int(seed) % (2**32))
    _rng = np.random.default_rng(int(seed))


def standardize_dtype(dtype) -> str:
    """Returns the canonical dtype name (`"float32"`, `"int32"`, ...); None → floatx."""
    if dtype is None:
        return _FLOATX
    if isinstance(dtype, dict):  # Keras 3 DTypePolicy config
        dtype = dtype.get("config", {}).get("name", _FLOATX)
    if hasattr(dtype, "name") and not isinstance(dtype, (str, np.dtype)):
        dtype = dtype.name
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name in ("string", "str"):  # text inputs of preprocessing layers (Keras' tf.string)
        return "string"
    if name in ("mixed_float16", "mixed_bfloat16"):
        return "float32"
    try:
        out = np.dtype(name)
    except TypeError as exc:
        raise ValueError(f"Invalid dtype: {dtype}") from exc
    if out.kind in "OVMm":
        raise ValueError(
            f"Invalid dtype: {dtype}. Expected a numeric or boolean dtype such as "
            "'float32', 'int32' or 'bool'."
        )
    return out.name


# ----------------------------------------------------------------------------- fit limits
_MAX_EPOCHS: int | None = None
_MAX_STEPS_PER_EPOCH: int | None = None


def _check_limit(name: str, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            f"Expected `{name}` to be a positive integer or None. Received: {name}={value!r}"
        )
    return int(value)


def max_epochs() -> int | None:
    """The cap on the number of epochs `fit` runs (None: no cap)."""
    return _MAX_EPOCHS


def set_max_epochs(max_epochs: int | None) -> None:
    """Caps the number of epochs of every later `fit` call (None removes the cap).

    Args:
        max_epochs: Positive integer or None.
    """
    global _MAX_EPOCHS
    _MAX_EPOCHS = _check_limit("max_epochs", max_epochs)


def max_steps_per_epoch() -> int | None:
    """The cap on the number of batches per epoch in `fit` (None: no cap)."""
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Caps the number of batches of every epoch of later `fit` calls (None removes it).

    Args:
        max_steps_per_epoch: Positive integer or None.
    """
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _check_limit("max_steps_per_epoch", max_steps_per_epoch)


# ----------------------------------------------------------------------------- flash attention
_FLASH_ATTENTION: bool | None = None


def enable_flash_attention() -> None:
    """Records the request for flash attention; NumPy attention is always the plain kernel."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = True


def disable_flash_attention() -> None:
    """Records that flash attention is not wanted (the NumPy kernel is used either way)."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled() -> bool | None:
    """The flash-attention setting (None: not set, as in Keras)."""
    return _FLASH_ATTENTION
