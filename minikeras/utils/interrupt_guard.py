"""Keeps any interrupt from landing in the middle of a weight update.

During `fit`, a `SIGINT` handler is installed; while an optimizer applies an
update (`deferred_interrupts()`), a Ctrl-C is remembered and raised as
`KeyboardInterrupt` right after the update, so the model always holds the
weights of the last completed step, never a half-updated mix.

Other signal handlers can raise too (a `SIGALRM` or `SIGTERM` handler raising
`KeyboardInterrupt` or `TimeoutError`). In the main thread, asynchronous signals are
therefore blocked for the duration of the update (`pthread_sigmask`): a handler whose
signal arrived just before runs at a checkpoint before anything is modified, one whose
signal arrives during the update runs right after it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_state = {"installed": False, "critical": 0, "pending": False, "mask": None}
# Signals raised by faults in the running code must never be blocked.
_SYNCHRONOUS = {
    "SIGSEGV",
    "SIGBUS",
    "SIGFPE",
    "SIGILL",
    "SIGABRT",
    "SIGTRAP",
    "SIGSYS",
    "SIGKILL",
    "SIGSTOP",
}
_CAN_MASK = hasattr(signal, "pthread_sigmask") and hasattr(signal, "valid_signals")
_ASYNC_SIGNALS = (
    {s for s in signal.valid_signals() if getattr(s, "name", "") not in _SYNCHRONOUS}
    if _CAN_MASK
    else set()
)
_MAIN = threading.main_thread()


def _checkpoint() -> None:
    """Does nothing: calling it lets Python run handlers of signals already received."""


def _handler(signum, frame) -> None:
    if _state["critical"]:
        _state["pending"] = True
        return
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupt_guard() -> Iterator[None]:
    """Installs the deferring SIGINT handler for the duration of `fit` (main thread only)."""
    if (
        _state["installed"]
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
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
        if not _state["critical"] and _CAN_MASK and threading.current_thread() is _MAIN:
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)
            try:
                _checkpoint()  # nothing is modified yet: an earlier signal's handler runs here
            except BaseException:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                raise
            _state["mask"] = mask
        _state["critical"] += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        _state["critical"] -= 1
        if not _state["critical"] and _state["mask"] is not None:
            mask, _state["mask"] = _state["mask"], None
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # blocked signals arrive now
            _checkpoint()
        if not _state["critical"] and _state["pending"]:
            _state["pending"] = False
            raise KeyboardInterrupt


_DEFERRED = _Deferred()


def deferred_interrupts() -> _Deferred:
    """Defers a Ctrl-C received inside the block until the block has finished."""
    return _DEFERRED
