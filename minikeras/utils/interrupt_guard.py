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

A wrapped handler that would run while this module's own code runs (the bookkeeping around
an update, or the handlers being put back when `fit` ends) is deferred the same way, so
that what it raises never leaves that bookkeeping half done.
"""

from __future__ import annotations

import _signal
import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

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


def _in_this_module(frame: FrameType | None) -> bool:
    """Whether the interrupted code is this module's, or something it called."""
    while frame is not None:
        if frame.f_code.co_filename == _HERE:
            return True
        frame = frame.f_back
    return False


# The file name this module's code objects carry: `__file__` can differ from it where the
# bytecode was compiled under another path (a bundle shipped without its sources).
_HERE = _in_this_module.__code__.co_filename


def _deferring(handler):
    """`handler`, run at once outside an update and right after it inside one."""

    def deferring_handler(signum, frame):
        if _state["critical"] or _in_this_module(frame):
            _state["pending"].append((handler, signum))
            return
        handler(signum, frame)

    deferring_handler.wrapped = handler
    return deferring_handler


def _python_handlers() -> dict:
    """The signals that have a Python-level handler now, with the handler."""
    handlers = {}
    for signum in _ASYNC_SIGNALS:  # `valid_signals()`: each one has a handler to read
        handler = signal.getsignal(signum)
        if callable(handler):
            # A wrapper still in place from an earlier fit whose end was interrupted.
            handlers[signum] = getattr(handler, "wrapped", handler)
    return handlers


@contextlib.contextmanager
def interrupt_guard() -> Iterator[None]:
    """Wraps the Python-level signal handlers for the duration of `fit` (main thread only)."""
    if _state["installed"] or threading.get_ident() != _MAIN.ident:
        yield
        return
    start_mask = _sigmask(signal.SIG_BLOCK, ()) if _CAN_MASK else None
    previous = _python_handlers()
    try:  # a handler not yet wrapped may raise while the others are being wrapped
        _state["pending"] = []  # what an earlier fit left if its end was itself interrupted
        _state["installed"] = True
        for signum, handler in previous.items():
            signal.signal(signum, _deferring(handler))
        yield
    finally:
        _put_back(previous, start_mask)


def _put_back(previous: dict, start_mask) -> None:
    """Restores the handlers and the signal mask `fit` found, then runs what was deferred.

    Until its handler is back, a signal is deferred (its wrapper would interrupt this
    module's code). A handler already back can run here and raise, for a signal that
    arrives meanwhile: the others still go back, and what it raised is raised at the
    end. The state is reset by plain assignments, where Python runs no signal handler.
    """
    _state["installed"] = False
    _state["critical"] = 0
    _state["mask"] = None
    raised = None
    passes = len(previous) + 1  # one more pass per handler that raised
    while passes:
        passes -= 1
        try:
            for signum, handler in previous.items():
                if getattr(signal.getsignal(signum), "wrapped", None) is handler:
                    signal.signal(signum, handler)  # not replaced meanwhile
            if start_mask is not None:
                _sigmask(signal.SIG_SETMASK, start_mask)  # whatever happened, as fit found it
            break
        except BaseException as exc:
            raised = raised or exc
    pending, _state["pending"] = _state["pending"], []
    for handler, signum in pending:
        handler(signum, None)  # raises what the handler raises
    if raised is not None:
        raise raised


class _Deferred:
    """The context manager of `deferred_interrupts()` (a plain class: cheap per step).

    Only the main thread's updates are guarded: Python runs signal handlers there alone.
    The counter is raised before the mask is set, so a wrapped handler whose signal was
    already received waits for the end of the update instead of running in between.
    """

    __slots__ = ()

    def __enter__(self) -> None:
        if threading.get_ident() != _MAIN.ident:
            return
        _state["critical"] += 1
        if _state["critical"] > 1 or not _CAN_MASK:
            return
        try:
            _state["mask"] = _sigmask(signal.SIG_BLOCK, ())  # the mask now, unchanged
            _sigmask(signal.SIG_BLOCK, _BLOCK)
        except BaseException:  # a handler installed during fit (not wrapped) raised
            mask, _state["mask"] = _state["mask"], None
            if mask is not None:
                _sigmask(signal.SIG_SETMASK, mask)
            _state["critical"] -= 1
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        if threading.get_ident() != _MAIN.ident:
            return
        _state["critical"] -= 1
        if _state["critical"]:
            return
        mask, _state["mask"] = _state["mask"], None
        if mask is not None:
            _sigmask(signal.SIG_SETMASK, mask)  # signals blocked meanwhile arrive now
        if _state["pending"]:
            pending, _state["pending"] = _state["pending"], []
            for handler, signum in pending:
                handler(signum, None)  # raises what the handler raises


_DEFERRED = _Deferred()


def deferred_interrupts() -> _Deferred:
    """Defers a Ctrl-C received inside the block until the block has finished."""
    return _DEFERRED
