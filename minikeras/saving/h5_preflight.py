"""Check an HDF5 file's metadata in a throw-away child process before trusting it.

The HDF5 C library can loop forever or crash on some corrupted files (observed:
a byte-flipped attribute message makes `attrs.get()` spin forever). Python cannot
interrupt a C call, so on POSIX systems every HDF5 file is first opened in a forked
child (the long-lived checker of `h5_checker`, or a one-shot child for files that exist
only in memory) that walks its metadata breadth first (`h5_checks.walk_problems`: links,
dataset layouts and filters, attribute values; no dataset data) up to a bounded
number of objects. The child reports progress through a pipe; one that makes no
progress for `h5_checker.STALL_SECONDS` is killed, one that crashes or runs out of memory is
reported, and each becomes a one-line `ValueError` instead of a hung or dead
interpreter. A file holding what minikeras refuses (external links or storage,
virtual datasets, plugin filters) is refused with the child's description. Without
`fork` the same walk runs in this process.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading

from minikeras.saving import h5_checker

_PROBLEM = b"P:"


def _child(opener, fd) -> None:
    code = 1
    try:
        from minikeras.saving.h5_checks import walk_problems

        def report():
            os.write(fd, b".")

        with opener() as f:
            problem = walk_problems(f, report)
        if problem is not None:
            os.write(fd, _PROBLEM + problem.encode("utf8", "replace"))
        code = 0
    except MemoryError:
        os.write(fd, _PROBLEM + b"reading its metadata needs more memory than is available")
        code = 0
    except BaseException:  # noqa: BLE001 - the parent reports the file's own error
        code = 1
    finally:
        os._exit(code)


def _kill(pid) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


_CONFIRM_CODE = """
import io, sys, h5py
sys.path.insert(0, sys.argv[2])
from minikeras.saving.h5_checks import walk_problems
src = sys.argv[1]
f = h5py.File(io.BytesIO(sys.stdin.buffer.read()) if src == "-" else src, "r")
walk_problems(f)
"""


def _import_h5py() -> None:
    import h5py  # noqa: F401 - imported for its side effect (module cache)


def _preparation(prepare, import_h5py: bool):
    """What this process does while the file is checked: import h5py (unless the file is
    expected back whole), then `prepare()`."""

    def run() -> None:
        if import_h5py:
            _import_h5py()
        if prepare is not None:
            prepare()

    return run


_checked_before = False  # whether this process has checked a file yet


def _snapshot_limit(request) -> int | None:
    """The checker's snapshot limit for `request`: `FIRST_LOAD_MAX_BYTES` for the first
    check of a process that has not imported h5py (a file that comes back whole spares the
    import), else the default."""
    global _checked_before
    first, _checked_before = not _checked_before, True
    if request is None or not first or "h5py" in sys.modules:
        return None
    from minikeras.saving import h5_snapshot

    limit = h5_snapshot.FIRST_LOAD_MAX_BYTES
    return limit if h5_snapshot.wanted(request, limit) else None


def _forked_walk(opener, meanwhile=None) -> tuple[str, str] | None:
    """Walks the file in a forked child: `("refused" | "corrupt", description)`, or None.

    `meanwhile()` runs in the parent while the child works (its output waits in the pipe).
    """
    read_fd, write_fd = os.pipe()
    pid = h5_checker.fork_quietly()
    if pid == 0:
        os.close(read_fd)
        _child(opener, write_fd)
    os.close(write_fd)
    received = b""
    try:
        if meanwhile is not None:
            try:
                meanwhile()
            except BaseException:
                _kill(pid)
                raise
        while True:
            ready, _, _ = select.select([read_fd], [], [], h5_checker.STALL_SECONDS)
            if not ready:
                _kill(pid)
                return "corrupt", h5_checker.stall_message()
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            received = (received + chunk)[-65536:]
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "corrupt", f"the HDF5 library crashed reading it (signal {os.WTERMSIG(status)})"
    if _PROBLEM in received:
        return "refused", received.split(_PROBLEM, 1)[1].decode("utf8", "replace")
    return None


def _confirm_in_fresh_interpreter(source) -> str | None:
    """Re-checks in a new Python process (no locks inherited from other threads)."""
    import subprocess
    import sys

    data = source if isinstance(source, bytes) else None
    arg = "-" if data is not None else os.fspath(source)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    timeout = 5.0
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CONFIRM_CODE, arg, root],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"the HDF5 library did not finish reading it within {timeout:.0f} s"
    if done.returncode < 0:
        return f"the HDF5 library crashed reading it (signal {-done.returncode})"
    return None


def _walk(
    opener, request, meanwhile=None, snapshot_limit=None
) -> tuple[str, str] | memoryview | None:
    """The checker's outcome for `request` (a passed file's snapshot), or a
    one-shot child's for `opener` (None for a passed file)."""
    if request is not None:
        outcome = h5_checker.walk(request, meanwhile, snapshot_limit)
        if outcome is not False:
            return outcome
    return _forked_walk(opener, meanwhile)


def check_hdf5(opener, label: str, source=None, request=None, prepare=None) -> memoryview | None:
    """Checks the file returned by `opener()` in a child process (metadata only).

    Args:
        opener: Zero-argument callable returning an open `h5py.File`.
        label: What to call the file in error messages.
        source: The file's path or bytes (or a callable returning them). When other
            threads are running (a lock one of them held at `fork` time could stall the
            child), a hang is confirmed in a fresh interpreter before it is reported.
        request: How another process opens the same file (`h5_checker.open_request`):
            `("path", absolute_path)` or `("window", absolute_path, offset, size)`.
            With it the long-lived checker walks the file; without it, a one-shot child.
        prepare: Optional zero-argument callable run in this process while the file is
            checked (the caller's imports), so that the two overlap.

    Returns:
        The file's snapshot (`h5_snapshot` payload) when the checker read the whole of
        a small file, else None: the caller then opens the file itself.

    Raises:
        ValueError: if the file holds what minikeras refuses to read (external links
            or storage, virtual datasets, plugin filters), or if reading its metadata
            hangs or crashes the HDF5 library.
    """
    if not hasattr(os, "fork"):
        from minikeras.saving.h5_checks import walk_problems

        if prepare is not None:
            prepare()

        with opener() as f:
            problem = walk_problems(f)
        if problem is not None:
            raise ValueError(f"{label}: {problem}")
        return None
    # On a first load h5py is not imported yet. A file small enough to come back whole
    # is then never opened here, and h5py is not imported; otherwise the checker imports
    # it for its walk while this process imports it too, so the two imports overlap.
    limit = _snapshot_limit(request)
    meanwhile = _preparation(prepare, import_h5py=limit is None)
    outcome = _walk(opener, request, meanwhile, limit)
    if isinstance(outcome, tuple) and "progress" in outcome[1]:
        # One retry (the stalled checker was replaced): a child that was merely not
        # scheduled on a busy machine must not turn a valid file into a false alarm.
        outcome = _walk(opener, request)
    if isinstance(outcome, memoryview):
        return outcome if len(outcome) else None
    if outcome is not None and outcome[0] == "refused":
        raise ValueError(f"{label}: {outcome[1]}")
    if outcome is not None and source is not None and threading.active_count() > 1:
        source = source() if callable(source) else source
        problem = _confirm_in_fresh_interpreter(source)
        outcome = None if problem is None else ("corrupt", problem)
    if outcome is not None:
        raise ValueError(f"{label} looks corrupt: {outcome[1]}")
    return None


def open_checked(opener, label: str, unreadable, source=None, request=None, prepare=None):
    """Checks the file (`check_hdf5`, same arguments) and returns what the loader reads:
    the checker's snapshot as a `SnapshotGroup`, else `CheckedGroup(opener())`.

    `unreadable(exc)` gives the exception to raise when HDF5 cannot open the file.
    """
    snapshot = check_hdf5(opener, label, source=source, request=request, prepare=prepare)
    if snapshot is not None:
        from minikeras.saving.h5_snapshot_reader import SnapshotGroup

        return SnapshotGroup.from_payload(snapshot)
    from minikeras.saving.h5_checks import CheckedGroup

    try:
        return CheckedGroup(opener())
    except OSError as exc:
        raise unreadable(exc) from None
