"""`UpdateProgram`: an optimizer update recorded as NumPy calls, then run all at once.

An update writes several arrays in place: the slots, the weights and the iteration
counter. Run one call after the other from Python, an exception that arrives between
two of them leaves a state that no training step produced. Such an exception need not
be a signal, which `utils.interrupt_guard` defers: another thread can throw one into
this one (`PyThreadState_SetAsyncExc`, as timeout helpers do), and a trace or profile
hook can raise at any line.

So the update is computed first and committed last. Its calls, every one a ufunc or
a `functools.partial` of one, are recorded, and `run()` makes them with
`itertools.starmap(operator.call, ...)` consumed by a zero-length `deque`. That loop
runs in C, so no Python bytecode runs between two calls, and Python has no point at
which to raise anything. The calls and their order are those of running each at once,
so the results are bitwise the same. (Python 3.10 has no `operator.call`: there the
calls are made one by one from Python, in the same order.)
"""

from __future__ import annotations

from collections import deque
from itertools import starmap

try:
    from operator import call as _call  # a C function: calls through it run no bytecode
except ImportError:  # Python 3.10

    def _call(function, *operands):
        return function(*operands)


class UpdateProgram(list):
    """Ufunc calls recorded in order, made all at once by `run()`.

    A call is recorded as one tuple by the list's own `append` (which runs no bytecode
    either): `(np.subtract, w, step, w)` stands for
    `np.subtract(w, step, out=w)`, the output being the last positional operand. A
    ufunc that takes its output only by keyword (`np.maximum`) is recorded as
    `(functools.partial(np.maximum, out=vh), vh, v)`. Operands are kept by reference,
    so an array written by one recorded call is read by the later ones, as when each
    call is made at once.
    """

    __slots__ = ()

    def run(self) -> None:
        """Makes the recorded calls, with no Python bytecode between them, and forgets
        them."""
        deque(starmap(_call, self), maxlen=0)
        self.clear()


def run_now(call: tuple) -> None:
    """Makes one `(ufunc, *operands)` call at once: the recorder of an update that is
    not deferred."""
    call[0](*call[1:])


def records(update_step):
    """Marks an optimizer's `update_step` whose calls go through `self._recorder()`, so
    that `apply` may defer them with the rest of the update. An unmarked one (a user's
    own) writes at once, after what was recorded before it."""
    update_step.records = True
    return update_step
