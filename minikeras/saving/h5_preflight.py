"""Read a whole HDF5 file once in a throw-away child process before trusting it.

The HDF5 C library can loop forever or crash on some corrupted files (observed:
a byte-flipped attribute message makes `attrs.get()` spin forever). Python cannot
interrupt a C call, so on POSIX systems every HDF5 file is first walked in a
forked child (all attributes and all dataset values read). The child reports
progress through a pipe before each step; a child that makes no progress for
`_STALL_SECONDS` (plus time for the dataset it is reading) is killed, one that
crashes is reported, and both become a one-line `ValueError` instead of a hung
or dead interpreter. Valid files with many objects are never cut short, because
the limit applies per step, not to the whole walk. Without `fork` the check is
skipped.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import warnings

_STALL_SECONDS = 0.8
_BYTES_PER_SECOND = 50e6


def _walk(f, report) -> None:
    def visit(_name, obj):
        report(0)
        for key in obj.attrs:
            obj.attrs.get(key)
        if hasattr(obj, "shape") and hasattr(obj, "dtype"):
            report(int(obj.size) * obj.dtype.itemsize)
            obj[()]

    report(0)
    for key in f.attrs:
        f.attrs.get(key)
    f.visititems(visit)


def _child(opener, fd) -> None:
    code = 1
    try:
        def report(nbytes):
            os.write(fd, b"%d\n" % nbytes)

        with opener() as f:
            _walk(f, report)
        code = 0
    except BaseException:  # noqa: BLE001 - any failure is reported by exit code
        code = 1
    finally:
        os._exit(code)


def _kill(pid) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


_CONFIRM_CODE = """
import io, sys, h5py
src = sys.argv[1]
f = h5py.File(io.BytesIO(sys.stdin.buffer.read()) if src == "-" else src, "r")
def visit(_name, obj):
    for key in obj.attrs:
        obj.attrs.get(key)
    if hasattr(obj, "shape") and hasattr(obj, "dtype"):
        obj[()]
for key in f.attrs:
    f.attrs.get(key)
f.visititems(visit)
"""


def _import_h5py() -> None:
    import h5py  # noqa: F401 - imported for its side effect (module cache)


def _forked_walk(opener, meanwhile=None) -> str | None:
    """Walks the file in a forked child; a description of the failure, or None.

    `meanwhile()` runs in the parent while the child works (its output waits in the pipe).
    """
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns about fork() with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(opener, write_fd)
    os.close(write_fd)
    allowance = _STALL_SECONDS
    buffer = b""
    try:
        if meanwhile is not None:
            try:
                meanwhile()
            except BaseException:
                _kill(pid)
                raise
        while True:
            ready, _, _ = select.select([read_fd], [], [], allowance)
            if not ready:
                _kill(pid)
                return ("the HDF5 library stopped making progress reading it (no step "
                        f"finished within {allowance:.1f} s)")
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if lines:
                allowance = _STALL_SECONDS + int(lines[-1] or 0) / _BYTES_PER_SECOND
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"the HDF5 library crashed reading it (signal {os.WTERMSIG(status)})"
    return None


def _confirm_in_fresh_interpreter(source, nbytes: int) -> str | None:
    """Re-checks in a new Python process (no locks inherited from other threads)."""
    import subprocess
    import sys

    data = source if isinstance(source, bytes) else None
    arg = "-" if data is not None else os.fspath(source)
    timeout = 3.0 + nbytes / _BYTES_PER_SECOND
    try:
        done = subprocess.run([sys.executable, "-c", _CONFIRM_CODE, arg], input=data,
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"the HDF5 library did not finish reading it within {timeout:.0f} s"
    if done.returncode < 0:
        return f"the HDF5 library crashed reading it (signal {-done.returncode})"
    return None


def check_hdf5(opener, label: str, source=None) -> None:
    """Walks the file returned by `opener()` in a child process.

    Args:
        opener: Zero-argument callable returning an open `h5py.File`.
        label: What to call the file in error messages.
        source: The file's path or bytes. When other threads are running (a lock one
            of them held at `fork` time could stall the child), a failure is confirmed
            in a fresh interpreter before it is reported.

    Raises:
        ValueError: if reading the file hangs or crashes the HDF5 library.
    """
    if not hasattr(os, "fork"):
        return
    # On a first load h5py is not imported yet: the child imports it for its walk while
    # this process imports it too, so the two imports overlap instead of adding up.
    problem = _forked_walk(opener, meanwhile=_import_h5py)
    if problem is not None and "progress" in problem:
        # One retry: a child that was merely not scheduled on a busy machine (a stall, not a
        # crash) must not turn a valid file into a false alarm.
        problem = _forked_walk(opener)
    if problem is not None and source is not None and threading.active_count() > 1:
        nbytes = len(source) if isinstance(source, bytes) else os.path.getsize(source)
        problem = _confirm_in_fresh_interpreter(source, nbytes)
    if problem is not None:
        raise ValueError(f"{label} looks corrupt: {problem}")
