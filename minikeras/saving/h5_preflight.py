"""Read a whole HDF5 file once in a throw-away child process before trusting it.

The HDF5 C library can loop forever or crash on some corrupted files (observed:
a byte-flipped attribute message makes `attrs.get()` spin forever). Python cannot
interrupt a C call, so on POSIX systems every HDF5 file is first walked in a
forked child (all attributes and all dataset values read); a child that hangs
past the deadline is killed, one that crashes is reported, and both become a
one-line `ValueError` instead of a hung or dead interpreter. Where `fork` is not
available the check is skipped.
"""

from __future__ import annotations

import os
import signal
import time
import warnings

_BASE_SECONDS = 0.8
_BYTES_PER_SECOND = 20e6


def _walk(f) -> None:
    def visit(_name, obj):
        for key in obj.attrs:
            obj.attrs.get(key)
        if hasattr(obj, "shape") and hasattr(obj, "dtype"):
            obj[()]

    for key in f.attrs:
        f.attrs.get(key)
    f.visititems(visit)


def check_hdf5(opener, label: str, nbytes: int) -> None:
    """Walks the file returned by `opener()` in a child process.

    Args:
        opener: Zero-argument callable returning an open `h5py.File`.
        label: What to call the file in error messages.
        nbytes: File size, to scale the deadline.

    Raises:
        ValueError: if reading the file hangs or crashes the HDF5 library.
    """
    if not hasattr(os, "fork"):
        return
    deadline = _BASE_SECONDS + nbytes / _BYTES_PER_SECOND
    with warnings.catch_warnings():  # Python 3.12+ warns about fork() with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child: never returns into the caller's code
        code = 1
        try:
            with opener() as f:
                _walk(f)
            code = 0
        except BaseException:  # noqa: BLE001 - any failure is reported by exit code
            code = 1
        finally:
            os._exit(code)
    start = time.monotonic()
    delay = 0.0005
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise ValueError(
                f"{label} looks corrupt: the HDF5 library did not finish reading it within "
                f"{deadline:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
    if os.WIFSIGNALED(status):
        raise ValueError(
            f"{label} looks corrupt: the HDF5 library crashed reading it (signal "
            f"{os.WTERMSIG(status)})")
