"""Keras' traceback-filtering switch.

minikeras frames are plain Python and are never hidden; the switch is kept so
that scripts calling `keras.config.disable_traceback_filtering()` run and can
read the setting back.
"""

from __future__ import annotations

_FILTERING = True


def enable_traceback_filtering() -> None:
    """Records that Keras-internal frames may be filtered from tracebacks (the default)."""
    global _FILTERING
    _FILTERING = True


def disable_traceback_filtering() -> None:
    """Records that tracebacks should show every frame."""
    global _FILTERING
    _FILTERING = False


def is_traceback_filtering_enabled() -> bool:
    """The traceback-filtering setting."""
    return _FILTERING
