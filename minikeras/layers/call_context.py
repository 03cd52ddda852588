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


def enter(value, nested: bool = False):
    """Enters a layer call: pushes `value` if it is explicit (not None), and counts the
    call in `depth` when `nested`. Returns a token for `exit`: the state before.

    Call it as the first statement inside the `try` whose `finally` calls `exit`:
    `exit` restores the saved state whatever part of `enter` ran, so an exception
    arriving at any line leaves the context as it was.
    """
    token = (len(_training), depth[0])
    if value is not None:
        _training.append(bool(value))
    if nested:
        depth[0] += 1
    return token


def saved():
    """The token `enter` would return now: for a `finally` that runs before `enter`
    has returned one."""
    return (len(_training), depth[0])


def exit(token) -> None:  # noqa: A001 - mirrors enter
    """Restores the state `token` saved (what `enter` pushed and counted is undone)."""
    del _training[token[0] :]
    depth[0] = token[1]
