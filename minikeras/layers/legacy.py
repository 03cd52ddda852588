"""Keras 1/2 argument names, translated in one place with a DeprecationWarning."""

from __future__ import annotations

import warnings

_MISSING = object()


def pop_renamed(kwargs: dict, layer: str, old: str, new: str, current):
    """Returns `kwargs.pop(old)` (with a warning) if given, else `current`.

    Raises:
        ValueError: if both the old and the new name were given.
    """
    value = kwargs.pop(old, _MISSING)
    if value is _MISSING:
        return current
    warnings.warn(
        f"The `{old}` argument of {layer} is deprecated (Keras 1); use `{new}` instead.",
        DeprecationWarning, stacklevel=3)
    return value
