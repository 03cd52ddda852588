"""The checker: a forked process that walks HDF5 files for the preflight, kept for reuse.

Every HDF5 file is walked in a child process before this process reads it
(`h5_preflight`). A fresh fork per file costs 10-20 ms on a small VM: the parent's page
tables are copied, then each memory page the child touches (Python objects, HDF5's
caches) is copied again. So the first check forks a checker that stays: each later
check sends it a description of the file (`("path", path)` or
`("window", path, offset, size)`) and reads back its progress dots and its verdict, as
the one-shot child's are read.

The checker:
- is killed and forgotten when it stalls on a file, and forgotten when it dies (the
  file is then checked by a one-shot child, whose crash is the verdict); the next
  check forks a new one;
- keeps no file descriptor of this process but its two pipes (a pipe or socket this
  process closes is closed), reads nothing from the terminal and ignores Ctrl-C;
- exits when its request pipe closes, and is killed and reaped at this process's exit;
- belongs to the process that forked it: a forked child of this process forks its own.

One check at a time uses it; a check made while another thread's is running gets
`None` from `walk` and uses a one-shot child instead.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import select
import signal
import threading
import warnings

STALL_SECONDS = 0.8
_LENGTH_BYTES = 4
_LOCK = threading.Lock()
_state: dict = {}  # "pid", "requests", "replies" of this process's checker (cleared in
# a forked child by `_after_fork_in_child`)


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(_LENGTH_BYTES, "big") + payload


def _read_exactly(fd: int, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def open_request(request):
    """The open `h5py.File` a request describes."""
    import h5py

    kind, path = request[0], request[1]
    if kind == "window":
        from minikeras.saving.keras_archive import _Window

        return h5py.File(_Window(path, int(request[2]), int(request[3])), "r")
    if kind != "path":
        raise ValueError(f"Unknown checker request {kind!r}")
    return h5py.File(path, "r")


def _open_fds() -> list[int]:
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(name) for name in os.listdir(listing)]
        except (OSError, ValueError):
            continue
    return list(range(3, 1024))


def _detach(keep: tuple[int, ...]) -> None:
    """In the checker: no terminal, no Ctrl-C, no file descriptor but `keep`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    for fd in _open_fds():
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the listing's own descriptor, already closed
    gc.freeze()  # the parent's objects stay put: no collection pass copies their pages


def _serve(requests: int, replies: int) -> None:
    """The checker's loop. Per request, one reply: `R`, then two frames (4-byte length and
    bytes): the problem text (empty when the file passed) and the file's snapshot
    (`h5_snapshot`; empty when there is none)."""
    try:
        _detach((requests, replies))
        from minikeras.saving import h5_snapshot
        from minikeras.saving.h5_checks import walk_problems

        def report():
            os.write(replies, b".")

        while True:
            size = _read_exactly(requests, _LENGTH_BYTES)
            body = None if size is None else _read_exactly(requests, int.from_bytes(size, "big"))
            if body is None:
                break  # the parent closed its end
            problem, snapshot = "", []
            try:
                message = json.loads(body)
                request, limit = message["open"], message["snapshot_limit"]
                wanted = h5_snapshot.wanted(request, limit)
                collector = h5_snapshot.Collector(limit) if wanted else None
                with open_request(request) as f:
                    problem = walk_problems(f, report, collector=collector) or ""
                if not problem and collector is not None:
                    snapshot = collector.payload_parts() or []
            except MemoryError:
                problem, snapshot = "reading its metadata needs more memory than is available", []
            except Exception:  # noqa: BLE001 - the parent reports the file's own error
                problem, snapshot = "", []
            text = problem.encode("utf8", "replace")
            size = sum(memoryview(part).nbytes for part in snapshot)
            head = b"R" + _frame(text) + size.to_bytes(_LENGTH_BYTES, "big")
            for part in (head, *snapshot):
                view = memoryview(part)
                while view:
                    view = view[os.write(replies, view) :]
    finally:
        os._exit(0)


def _after_fork_in_child() -> None:
    """A forked child leaves its parent's checker alone (and any lock held at the fork)."""
    global _LOCK
    _LOCK = threading.Lock()
    _state.clear()


def stop() -> None:
    """Kills and reaps the checker of this process, if it has one."""
    if not _state:
        return
    pid = _state["pid"]
    for fd in (_state["requests"], _state["replies"]):
        try:
            os.close(fd)
        except OSError:
            pass  # closed behind our back (a daemonizing program closes every fd)
    _state.clear()
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def checker_pid() -> int | None:
    """The pid of this process's checker, or None."""
    return _state.get("pid")


def fork_quietly() -> int:
    """`os.fork()` without Python 3.12+'s warning about forking with threads running
    (the child only walks a file and leaves with `os._exit`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _start() -> None:
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    pid = fork_quietly()
    if pid == 0:
        os.close(requests_w)
        os.close(replies_r)
        _serve(requests_r, replies_w)
    os.close(requests_r)
    os.close(replies_w)
    _state.update(pid=pid, requests=requests_w, replies=replies_r)


class _Stalled(Exception):
    pass


class _Died(Exception):
    pass


def _read_reply(fd: int, n: int, buffer: bytearray) -> None:
    """Reads until `buffer` holds `n` bytes; `_Stalled` or `_Died` when the checker does."""
    while len(buffer) < n:
        ready, _, _ = select.select([fd], [], [], STALL_SECONDS)
        if not ready:
            raise _Stalled
        chunk = os.read(fd, max(65536, n - len(buffer)))
        if not chunk:
            raise _Died
        buffer += chunk


def _read_into(fd: int, view: memoryview, received: bytes) -> None:
    """Fills `view`: first with the bytes already `received`, then from `fd` in place."""
    view[: len(received)] = received
    filled = len(received)
    while filled < len(view):
        ready, _, _ = select.select([fd], [], [], STALL_SECONDS)
        if not ready:
            raise _Stalled
        got = os.readv(fd, [view[filled:]])
        if not got:
            raise _Died
        filled += got


def _verdict():
    """Reads the running check's progress and verdict: `("refused" | "corrupt", text)`,
    the snapshot of a file that passed (a `memoryview`, empty when there is none), or
    False."""
    fd, received = _state["replies"], bytearray()
    head = 1 + _LENGTH_BYTES
    try:
        while not received.lstrip(b"."):  # progress dots until the reply starts
            received.clear()
            _read_reply(fd, 1, received)
        received = bytearray(received.lstrip(b"."))
        _read_reply(fd, head, received)
        text_end = head + int.from_bytes(received[1:head], "big")
        start = text_end + _LENGTH_BYTES
        _read_reply(fd, start, received)
        snapshot = bytearray(int.from_bytes(received[text_end:start], "big"))
        _read_into(fd, memoryview(snapshot), received[start:])
    except _Stalled:
        stop()
        return "corrupt", stall_message()
    except _Died:
        # On this file, or by a signal from elsewhere (the OOM killer, a user) before it
        # read the request. A one-shot child gives the verdict.
        stop()
        return False
    if text_end > head:
        return "refused", received[head:text_end].decode("utf8", "replace")
    return memoryview(snapshot)


def stall_message() -> str:
    return (
        "the HDF5 library stopped making progress reading it (no step finished within "
        f"{STALL_SECONDS:.1f} s)"
    )


def walk(request, meanwhile=None, snapshot_limit=None) -> tuple[str, str] | memoryview | bool:
    """Has the checker walk the file `request` describes.

    `meanwhile()` runs in this process while the checker walks. A file that passes is sent
    back whole when its data fits `snapshot_limit` (default `h5_snapshot.MAX_BYTES`).

    Returns:
        `("refused" | "corrupt", description)`; for a file that passed, its snapshot
        (`h5_snapshot` payload as a `memoryview`, empty when there is none); or False when the
        checker is busy with another thread's check or died before its verdict: the
        caller then checks the file in a one-shot child.
    """
    if not _LOCK.acquire(blocking=False):
        return False
    try:
        body = {"open": list(request), "snapshot_limit": snapshot_limit}
        message = _frame(json.dumps(body).encode("utf8"))
        if not _state:
            _start()
        try:
            os.write(_state["requests"], message)
        except OSError:  # it died between two checks (or the pipe was closed): a new one
            stop()
            _start()
            os.write(_state["requests"], message)
        if meanwhile is not None:
            meanwhile()  # while the checker walks (its reports wait in the pipe)
        return _verdict()
    except BaseException:
        stop()  # interrupted mid-check (Ctrl-C): a late verdict must not answer the next one
        raise
    finally:
        _LOCK.release()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere the walk runs in this process
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(stop)
