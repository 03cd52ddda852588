"""The `training` flag inherited by nested layer calls (Keras' call context)."""

from __future__ import annotations

_training: list = [None]
# How many `Layer.__call__`s are running. The outermost call (depth 0) clears the losses
# that `add_loss` collected in the previous forward pass, as Keras does, and hands its
# output to user code as an `EagerTensor`.
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
