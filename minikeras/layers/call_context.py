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


OUTSIDE = (1, 0)
"""The `saved()` token of the state with no layer call running."""


def saved():
    """A token of the current state, for `exit`. Take it before the `try` whose
    `finally` calls `exit`, and call `enter` as the first statement inside it: `exit`
    then restores the state whatever part of `enter` ran, so an exception arriving at
    any line leaves the context as it was."""
    return (len(_training), depth[0])


def enter(value, nested: bool = False) -> None:
    """Enters a layer call: pushes `value` if it is explicit (not None), and counts the
    call in `depth` when `nested`."""
    if value is not None:
        _training.append(bool(value))
    if nested:
        depth[0] += 1


def exit(token) -> None:  # noqa: A001 - mirrors enter
    """Restores the state `token` (from `saved()`) describes: what `enter` pushed and
    counted since is undone."""
    del _training[token[0] :]
    depth[0] = token[1]
