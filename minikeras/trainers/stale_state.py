"""Clears what an exception left behind in an earlier call, before `fit`, `evaluate`
or `predict` starts.

Python runs a `finally` block or an `__exit__` only from its first line, and an
exception can arrive right there: a Ctrl-C, or one thrown into this thread by another
(`PyThreadState_SetAsyncExc`). It then skips the clean-up. Two pieces of process-wide
state must not outlive it:

* a `GradientTape` whose `with` block has ended but which is still active would record
  every later operation, keeping every intermediate array alive;
* a layer call counted as still running (`layers.call_context`) would keep later
  outermost calls from clearing the `add_loss` terms of the previous forward pass.

Each is stale when no frame on any thread's stack is the one that entered it (a tape
holds that frame until its `__exit__`, so the frame cannot be mistaken for another).
"""

from __future__ import annotations

import sys

from minikeras.backend import autodiff
from minikeras.layers import call_context
from minikeras.layers.layer import Layer


def clear_stale_state() -> None:
    """Deactivates tapes and layer calls whose entering frame is no longer running in
    any thread."""
    if not autodiff._tape_stack and call_context.saved() == call_context.OUTSIDE:
        return  # the usual case: nothing to walk
    # Every thread's frames: the tape stack and the call depth are shared by all threads,
    # and a tape another thread is using is not stale.
    frames, codes = [], set()
    for frame in sys._current_frames().values():
        while frame is not None:
            frames.append(frame)
            codes.add(frame.f_code)
            frame = frame.f_back
    for tape in list(autodiff._tape_stack):
        entered_in = getattr(tape, "_entered_in", None)
        if not any(entered_in is f for f in frames):
            tape.__exit__()
    if Layer.__call__.__code__ not in codes:
        call_context.exit(call_context.OUTSIDE)
