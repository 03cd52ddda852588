"""Keeps any interrupt from landing in the middle of a weight update.

During `fit`, every Python-level signal handler installed when `fit` starts (the default
Ctrl-C handler that raises `KeyboardInterrupt`, and a user's `SIGALRM` or `SIGTERM`
handler that raises `TimeoutError`, say) is wrapped: while an optimizer applies an update
(`deferred_interrupts()`), a signal is remembered, and its handler runs right after the
update, so the model always holds the weights of the last completed step, never a
half-updated mix. Python runs signal handlers in the main thread whichever thread the
operating system delivered the signal to (a BLAS worker, say), so the wrapper is what
defers them; the handlers are restored when `fit` ends.

Handlers installed while `fit` runs (by a callback) are not wrapped. For those, the main
thread also blocks asynchronous signals for the duration of the update
(`pthread_sigmask`): a signal delivered to the main thread then arrives right after it.
"""

from __future__ import annotations

import _signal
import contextlib
import signal
import threading
from collections.abc import Iterator

_state = {"installed": False, "critical": 0, "pending": [], "mask": None}
# Signals raised by faults in the running code must never be blocked or deferred.
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
    else {signal.SIGINT}
)
_MAIN = threading.main_thread()
# The C function behind `signal.pthread_sigmask`: `signal`'s wrapper turns every signal of the
# returned mask into an enum member, which cost more than a small model's whole training step.
_sigmask = getattr(_signal, "pthread_sigmask", None) or getattr(signal, "pthread_sigmask", None)
_BLOCK = frozenset(int(s) for s in _ASYNC_SIGNALS)


def _checkpoint() -> None:
    """Does nothing: calling it lets Python run handlers of signals already received."""


def _deferring(handler):
    """`handler`, run at once outside an update and right after it inside one."""

    def deferring_handler(signum, frame):
        if _state["critical"]:
            _state["pending"].append((handler, signum))
            return
        handler(signum, frame)

    deferring_handler.wrapped = handler
    return deferring_handler


def _python_handlers() -> dict:
    """The signals that have a Python-level handler now, with the handler."""
    handlers = {}
    for signum in _ASYNC_SIGNALS:
        try:
            handler = signal.getsignal(signum)
        except (OSError, ValueError):  # not a signal this platform lets Python handle
            continue
        if callable(handler):
            handlers[signum] = handler
    return handlers


@contextlib.contextmanager
def interrupt_guard() -> Iterator[None]:
    """Wraps the Python-level signal handlers for the duration of `fit` (main thread only)."""
    if _state["installed"] or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = _python_handlers()
    for signum, handler in previous.items():
        signal.signal(signum, _deferring(handler))
    _state["installed"] = True
    try:
        yield
    finally:
        for signum, handler in previous.items():
            current = signal.getsignal(signum)
            if getattr(current, "wrapped", None) is handler:  # not replaced meanwhile
                signal.signal(signum, handler)
        _state.update(installed=False, critical=0, pending=[])


class _Deferred:
    """The context manager of `deferred_interrupts()` (a plain class: cheap per step)."""

    __slots__ = ()

    def __enter__(self) -> None:
        if not _state["critical"] and _CAN_MASK and threading.current_thread() is _MAIN:
            mask = _sigmask(signal.SIG_BLOCK, _BLOCK)
            try:
                _checkpoint()  # nothing is modified yet: an earlier signal's handler runs here
            except BaseException:
                _sigmask(signal.SIG_SETMASK, mask)
                raise
            _state["mask"] = mask
        _state["critical"] += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        _state["critical"] -= 1
        if not _state["critical"] and _state["mask"] is not None:
            mask, _state["mask"] = _state["mask"], None
            _sigmask(signal.SIG_SETMASK, mask)  # blocked signals arrive now
            _checkpoint()
        if not _state["critical"] and _state["pending"]:
            pending, _state["pending"] = _state["pending"], []
            for handler, signum in pending:
                handler(signum, None)  # raises what the handler raises


_DEFERRED = _Deferred()


def deferred_interrupts() -> _Deferred:
    """Defers a Ctrl-C received inside the block until the block has finished."""
    return _DEFERRED
