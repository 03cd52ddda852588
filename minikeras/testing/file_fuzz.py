"""Mutation fuzzing of model files: every hostile input must fail cleanly.

Used by the test suite (a short deterministic run) and by `scripts/fuzz_loaders.py`
(a long random run). A loader passes a case when it either loads the file or raises
`ValueError`/`OSError` with a one-line message, within a time limit and a memory bound,
without unmarshalling code, importing foreign modules or writing files.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import importlib
import marshal
import pathlib
import signal
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator

import numpy as np

ACCEPTED_ERRORS = (ValueError, OSError)


@dataclasses.dataclass
class Outcome:
    """What one load attempt did."""

    name: str
    loaded: bool
    error: BaseException | None
    seconds: float
    peak_bytes: int
    violations: list[str]


def mutations(data: bytes, rng: np.random.Generator, count: int) -> Iterator[tuple[str, bytes]]:
    """Yields `count` named mutations of `data`: truncations, bit flips, splices, zero runs."""
    n = len(data)
    for i in range(count):
        kind = i % 5
        if kind == 0:
            cut = int(rng.integers(0, max(n, 1)))
            yield f"truncate@{cut}", data[:cut]
        elif kind == 1:
            buf = bytearray(data)
            for pos in rng.integers(0, n, size=int(rng.integers(1, 8))):
                buf[pos] ^= 1 << int(rng.integers(0, 8))
            yield "bitflip", bytes(buf)
        elif kind == 2:
            buf = bytearray(data)
            pos = int(rng.integers(0, n))
            buf[pos : pos + 8] = rng.integers(0, 256, size=8, dtype=np.uint8).tobytes()
            yield f"random8@{pos}", bytes(buf)
        elif kind == 3:
            a, b = sorted(int(v) for v in rng.integers(0, n, size=2))
            yield f"drop[{a}:{b}]", data[:a] + data[b:]
        else:
            pos = int(rng.integers(0, n))
            yield f"ff-run@{pos}", data[:pos] + b"\xff" * 64 + data[pos + 64 :]


class _Timeout(BaseException):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum, frame):
        raise _Timeout(f"loader ran longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _watch_for_code_and_writes(violations: list[str], write_root: pathlib.Path | None):
    """Flags unmarshalling, imports outside minikeras/stdlib helpers, and stray file writes."""
    real_loads, real_import, real_open = marshal.loads, importlib.import_module, builtins.open

    def loads(*a, **k):
        caller = sys._getframe(1).f_code.co_filename
        if "importlib" in caller:  # Python importing a module's .pyc, not the file's data
            return real_loads(*a, **k)
        violations.append(f"marshal.loads called from {caller}")
        raise AssertionError("marshal.loads called while loading")

    def import_module(name, package=None):
        if not name.startswith(("minikeras", "h5py", "numpy", "json", "zipfile", "encodings")):
            violations.append(f"import_module({name!r})")
        return real_import(name, package)

    def guarded_open(file, mode="r", *a, **k):
        if any(c in mode for c in "wax+") and write_root is not None:
            path = pathlib.Path(file).resolve()
            if write_root.resolve() not in path.parents:
                violations.append(f"write outside target: {path}")
        return real_open(file, mode, *a, **k)

    marshal.loads, importlib.import_module, builtins.open = loads, import_module, guarded_open
    try:
        yield
    finally:
        marshal.loads, importlib.import_module, builtins.open = (real_loads, real_import, real_open)


def try_load(
    name: str,
    load: Callable[[], object],
    time_limit: float = 5.0,
    write_root: pathlib.Path | None = None,
) -> Outcome:
    """Runs `load()` under a deadline, memory tracing and the code/write watchers."""
    violations: list[str] = []
    tracemalloc.start()
    start = time.perf_counter()
    error: BaseException | None = None
    loaded = False
    try:
        with _deadline(time_limit), _watch_for_code_and_writes(violations, write_root):
            load()
        loaded = True
    except _Timeout as exc:
        violations.append(str(exc))
    except Exception as exc:  # classified below
        error = exc
    finally:
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if error is not None and not isinstance(error, ACCEPTED_ERRORS):
        violations.append(f"{type(error).__name__} escaped: {error}")
    if error is not None and "\n" in str(error).strip():
        violations.append(f"multi-line message: {str(error)[:200]!r}")
    if error is not None and not str(error).strip():
        violations.append(f"empty {type(error).__name__} message")
    return Outcome(name, loaded, error, seconds, peak, violations)
