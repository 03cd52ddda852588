"""Refuses weight allocations that cannot fit, before NumPy tries (and the OS thrashes)."""

from __future__ import annotations

import contextlib
import math
import os

import numpy as np


def physical_memory_bytes() -> int | None:
    """This machine's physical memory in bytes, or None where the OS does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


# Weights smaller than this are not checked against the memory available now.
_CHECK_AVAILABLE_FROM = 2**20


def _human(nbytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if nbytes < 1024 or unit == "PiB":
            return f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} PiB"


def check_weight_allocation(owner: str, shape: tuple, dtype) -> None:
    """Raises `ValueError` for negative dimensions or a weight larger than physical memory.

    Args:
        owner: What the weight is, for the message (e.g. `"dense/kernel"`).
        shape: The weight's shape.
        dtype: Its dtype.
    """
    if any(d < 0 for d in shape):
        raise ValueError(
            f"Weight '{owner}' would have a negative dimension: shape={shape}. Check the "
            "layer's arguments (units, filters, kernel_size, input shape)."
        )
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    limit = physical_memory_bytes()
    if limit is not None and nbytes > limit:
        raise ValueError(
            f"Weight '{owner}' of shape {shape} ({np.dtype(dtype).name}) needs "
            f"{_human(nbytes)}, more than this machine's {_human(limit)} of memory. Check the "
            "layer's arguments (units, filters, input shape)."
        )
    if nbytes < _CHECK_AVAILABLE_FROM:
        return
    available = allocatable_bytes()
    if available is not None and nbytes > available:
        raise ValueError(
            f"Weight '{owner}' of shape {shape} ({np.dtype(dtype).name}) needs "
            f"{_human(nbytes)}, more than the {_human(available)} of memory available now "
            "(the model's weights allocated so far included). Check the layer's arguments "
            "(units, filters, input shape)."
        )


def available_memory_bytes() -> int | None:
    """Memory the OS can give this process now (`MemAvailable`), or None where unknown."""
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_AVPHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def allocatable_bytes() -> int | None:
    """What this process may still allocate: `MemAvailable`, and the room left under its
    address-space limit (`RLIMIT_AS`) where one is set; None where neither is known."""
    limits = []
    available = available_memory_bytes()
    if available is not None:
        limits.append(available)
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            with open("/proc/self/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmSize:"):
                        limits.append(max(0, soft - int(line.split()[1]) * 1024))
    except (ImportError, OSError, ValueError):
        pass
    return min(limits) if limits else None


def check_total_allocation(what: str, arrays) -> None:
    """Raises ValueError if arrays described by `(shape, dtype)` pairs cannot fit in the
    memory available now, before any of them is allocated.

    Args:
        what: What the arrays are, for the message (e.g. "The optimizer state in the file").
        arrays: `(shape, dtype)` pairs.
    """
    nbytes = sum(
        math.prod(int(d) for d in shape) * np.dtype(dtype).itemsize for shape, dtype in arrays
    )
    if nbytes < _CHECK_AVAILABLE_FROM:
        return
    available = allocatable_bytes()
    if available is not None and nbytes > available:
        raise ValueError(
            f"{what} needs {_human(nbytes)}, more than the {_human(available)} of memory "
            "available now."
        )


_FROM_FILE = [0]


@contextlib.contextmanager
def weights_from_file():
    """Inside this block new layer weights are zeros whose memory is not touched yet
    (their values come from the file being loaded), so a model's total can be checked
    with `check_total_allocation` before any of it is really allocated."""
    _FROM_FILE[0] += 1
    try:
        yield
    finally:
        _FROM_FILE[0] -= 1


def weights_come_from_file() -> bool:
    """True inside `weights_from_file()`."""
    return _FROM_FILE[0] > 0


_DEFERRED: list[list] = []


@contextlib.contextmanager
def deferred_initialization():
    """`weights_from_file()` for a model whose values come from its initializers: new
    weights are untouched zeros and their initializers are kept, in creation order, in
    the yielded list, for `run_deferred_initializers` once the model's total is checked.
    Inside `weights_from_file()` it records nothing: the file gives the values."""
    pending: list = []
    if weights_come_from_file():  # inside a file load: the file gives every value
        yield pending
        return
    _DEFERRED.append(pending)
    try:
        with weights_from_file():
            yield pending
    finally:
        _DEFERRED.remove(pending)


def defer_initializer(variable, initializer) -> None:
    """Records `variable` (zeros, inside `deferred_initialization()`) and its initializer."""
    if _DEFERRED:
        _DEFERRED[-1].append((variable, initializer, variable.value))


def run_deferred_initializers(pending: list) -> None:
    """Fills each recorded variable from its initializer, in creation order (so seeded
    runs draw the same numbers as building the model directly), writing into the same
    array. A variable its layer already set while building (no longer all zeros) keeps
    its value."""
    for variable, initializer, zeros in pending:
        if variable.value is not zeros or zeros.any():
            continue
        value = initializer(tuple(zeros.shape), dtype=zeros.dtype)
        np.copyto(zeros, np.asarray(value, dtype=zeros.dtype))


def build_within_memory(build):
    """Calls `build()` (which creates a model or layer from a config), checks the total of
    the weights it created against the memory available, then runs their initializers.

    Args:
        build: Zero-argument callable returning the new model or layer.

    Returns:
        What `build()` returned, its weights initialized.

    Raises:
        ValueError: if the weights together cannot fit in memory (none is filled then).
    """
    with deferred_initialization() as pending:
        built = build()
    weights = getattr(built, "weights", [])
    check_total_allocation(
        f"The model's weights ({len(weights)} arrays)", [(w.shape, w.dtype) for w in weights]
    )
    run_deferred_initializers(pending)
    return built
