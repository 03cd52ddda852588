"""The `training` flag inherited by nested layer calls (Keras' call context)."""

from __future__ import annotations

_training: list = [None]
# How many layer calls are running: 0 means a call is the user's own (its output is
# handed to user code and wrapped as an `EagerTensor`).
depth: list = [0]


def training():
    """The innermost explicit `training` value, or None."""
    return _training[-1]


def enter(value):
    """Pushes `value` if it is explicit (not None); returns a token for `exit`."""
    if value is None:
        return False
    _training.append(bool(value))
    return True


def exit(token) -> None:  # noqa: A001 - mirrors enter
    """Pops what `enter` pushed."""
    if token:
        _training.pop()
