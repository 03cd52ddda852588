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


def check_hdf5(opener, label: str) -> None:
    """Walks the file returned by `opener()` in a child process.

    Args:
        opener: Zero-argument callable returning an open `h5py.File`.
        label: What to call the file in error messages.

    Raises:
        ValueError: if reading the file hangs or crashes the HDF5 library.
    """
    if not hasattr(os, "fork"):
        return
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
        while True:
            ready, _, _ = select.select([read_fd], [], [], allowance)
            if not ready:
                _kill(pid)
                raise ValueError(
                    f"{label} looks corrupt: the HDF5 library stopped making progress "
                    f"reading it (no step finished within {allowance:.1f} s)")
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
        raise ValueError(
            f"{label} looks corrupt: the HDF5 library crashed reading it (signal "
            f"{os.WTERMSIG(status)})")
