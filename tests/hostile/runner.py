"""Run one hostile-input case in a forked child with memory and time limits.

Used by the hostile-input campaign (`tests/hostile/cases.py`, run by
`tests/test_hostile_campaign.py` and `scripts/hostile_campaign.py`). The child sets
`RLIMIT_AS` (its current address space plus `memory_limit`) and an alarm, runs the
case, and sends back what happened; the parent kills it if it outlives `kill_after`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable

CLEAN_ERRORS = (ValueError, OSError, TypeError)


@dataclasses.dataclass
class CaseResult:
    """What one case did in its child process."""

    name: str
    outcome: str  # "loaded", "error", "killed", "crashed"
    error_type: str
    message: str
    seconds: float  # wall-clock seconds
    peak_rss_growth: int  # bytes the child's resident set grew above its start
    cpu_seconds: float = 0.0  # CPU time of the child and the processes it waited for


def _rss_bytes(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


def _child(fn: Callable[[], object], fd: int, memory_limit: int, seconds: float) -> None:
    payload = {"outcome": "crashed", "error_type": "", "message": ""}
    start_rss = _rss_bytes("VmRSS:")
    start = time.perf_counter()
    cpu_start = _cpu()
    try:
        space = _rss_bytes("VmSize:") + memory_limit
        resource.setrlimit(resource.RLIMIT_AS, (space, space))
        signal.alarm(max(1, int(seconds + 0.999)))
        try:
            fn()
            payload.update(outcome="loaded")
        except BaseException as exc:  # noqa: BLE001 - classified by the parent
            payload.update(
                outcome="error",
                error_type=type(exc).__name__,
                message=str(exc)[:2000],
                clean=isinstance(exc, CLEAN_ERRORS),
            )
        signal.alarm(0)
        payload["seconds"] = time.perf_counter() - start
        payload["cpu"] = _cpu() - cpu_start
        payload["peak"] = max(0, _rss_bytes("VmHWM:") - start_rss)
        os.write(fd, json.dumps(payload).encode())
    finally:
        os._exit(0)


def run_isolated(
    name: str,
    fn: Callable[[], object],
    memory_limit: int = 2 * 2**30,
    seconds: float = 2.0,
    kill_after: float = 20.0,
) -> CaseResult:
    """Runs `fn()` in a forked child; a `CaseResult` describing how it ended."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(fn, write_fd, memory_limit, kill_after)
    os.close(write_fd)
    start = time.perf_counter()
    data = b""
    killed = False
    try:
        while True:
            left = kill_after - (time.perf_counter() - start)
            ready, _, _ = select.select([read_fd], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    wall = time.perf_counter() - start
    if killed:
        return CaseResult(name, "killed", "", f"ran over {kill_after} s", wall, 0)
    if not data:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        return CaseResult(name, "crashed", "", f"child died (signal {sig})", wall, 0)
    payload = json.loads(data)
    outcome = payload["outcome"]
    if outcome == "error" and not payload.get("clean"):
        outcome = "unclean"
    return CaseResult(
        name,
        outcome,
        payload["error_type"],
        payload["message"],
        payload["seconds"],
        payload["peak"],
        payload["cpu"],
    )
