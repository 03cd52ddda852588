"""Keeps a Ctrl-C from landing in the middle of a weight update.

During `fit`, a `SIGINT` handler is installed; while an optimizer applies an
update (`deferred_interrupts()`), a Ctrl-C is remembered and raised as
`KeyboardInterrupt` right after the update, so the model always holds the
weights of the last completed step, never a half-updated mix.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_state = {"installed": False, "critical": 0, "pending": False}


def _handler(signum, frame) -> None:
    if _state["critical"]:
        _state["pending"] = True
        return
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupt_guard() -> Iterator[None]:
    """Installs the deferring SIGINT handler for the duration of `fit` (main thread only)."""
    if (_state["installed"] or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    previous = signal.signal(signal.SIGINT, _handler)
    _state["installed"] = True
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _state.update(installed=False, critical=0, pending=False)


class _Deferred:
    """The context manager of `deferred_interrupts()` (a plain class: cheap per step)."""

    __slots__ = ()

    def __enter__(self) -> None:
        _state["critical"] += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        _state["critical"] -= 1
        if not _state["critical"] and _state["pending"]:
            _state["pending"] = False
            raise KeyboardInterrupt


_DEFERRED = _Deferred()


def deferred_interrupts() -> _Deferred:
    """Defers a Ctrl-C received inside the block until the block has finished."""
    return _DEFERRED
