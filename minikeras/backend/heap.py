"""Keeps the C heap's freed memory for the next training step (glibc only).

Every NumPy array larger than a few hundred bytes lives in memory from `malloc`. A
training step allocates its whole graph (an LSTM over 80 steps of 64 samples: about
16 MB in arrays of 2-3 MB) and frees all of it when the step ends. glibc's `free` hands
the top of the heap back to the operating system as soon as more than its trim
threshold is free there, and that threshold adapts only up to twice the largest array
freed so far (about 5 MB here). So every step returned its 16 MB, and the next step
took it back one 4 KiB page fault at a time: 3,700 faults a step, which doubled the CPU
time of the `lstm` benchmark.

`configure()` sets, through `mallopt`, the two thresholds to the top of glibc's own
adaptive range on 64-bit systems (mmap threshold at most 32 MiB, trim threshold twice
it): arrays under 32 MiB come from the heap, and up to 64 MiB free at its top stays
mapped. This changes where memory comes
from, never what is computed.

Nothing is changed where the C library is not glibc, or where the user already tuned
glibc's allocator through `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`,
`MALLOC_TOP_PAD_`, `MALLOC_MMAP_MAX_` or `glibc.malloc` tunables in `GLIBC_TUNABLES`.
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""`mallopt` parameter numbers from glibc's `malloc.h`."""

MMAP_THRESHOLD = 32 << 20
"""Arrays at least this large are mapped on their own (glibc's adaptive maximum)."""

TRIM_THRESHOLD = 64 << 20
"""Free memory at the top of the heap beyond this goes back to the operating system."""

_USER_VARS = (
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_MAX_",
)

_configured: dict | None = None


def glibc_version() -> str | None:
    """The running glibc's version (e.g. `"2.36"`), or None for another C library."""
    try:
        name = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        return None
    if not name or not name.startswith("glibc "):
        return None
    return name.split()[1]


def decide(environ, libc_version: str | None) -> dict | None:
    """The `mallopt` settings to make, `{parameter: value}`, or None to leave the heap be.

    Args:
        environ: The process environment (a mapping).
        libc_version: `glibc_version()`'s answer.
    """
    if libc_version is None:
        return None
    if any(environ.get(v) for v in _USER_VARS):
        return None
    if "glibc.malloc." in environ.get("GLIBC_TUNABLES", ""):
        return None
    return {M_MMAP_THRESHOLD: MMAP_THRESHOLD, M_TRIM_THRESHOLD: TRIM_THRESHOLD}


def configure() -> dict:
    """Applies `decide()` for this process once; returns what was set (empty: nothing).

    The mapped threshold is set first: setting either turns glibc's adaptation off, and
    the trim threshold alone would leave arrays over 128 KiB mapped and unmapped one by
    one.
    """
    global _configured
    if _configured is not None:
        return _configured
    settings = decide(os.environ, glibc_version()) or {}
    done = {}
    if settings:
        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):
            mallopt = None
        if mallopt is not None:
            mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
            mallopt.restype = ctypes.c_int
            for param in (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD):
                if mallopt(param, settings[param]) != 1:
                    break
                done[param] = settings[param]
    _configured = done
    return done
