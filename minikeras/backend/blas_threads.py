"""How many BLAS threads each matrix product gets.

NumPy hands every product to the BLAS it was built with (OpenBLAS in the wheels, MKL,
Accelerate or BLIS elsewhere), and that library splits a large product over all cores
by default. On a machine whose cores are busy with other work that loses badly:
OpenBLAS's worker threads spin while they wait for a preempted partner, and a product
that takes 2.6 ms on one thread can take 30 ms on two. Medium products lose even on an
idle machine (a 32x128x256 product: 85 us on one thread, 820 us on two under load).

So minikeras decides per product, before its large products run:

* products under `PARALLEL_MIN_MACS` multiply-adds get one thread;
* larger ones get the cores that are free: the CPUs this process may run on (affinity
  and a cgroup CPU quota), less the CPUs other processes used over the last sampling
  interval (the busy time of this process's CPUs in `/proc/stat` less this process's
  own CPU time), and less still when this process's main thread has recently spent
  time waiting for a CPU (`/proc/self/schedstat`). Without `/proc/stat` (or under a
  cgroup quota, where the CPUs it counts are shared with other containers) the load of
  other processes is the 1-minute load average minus this process's own share, which
  lags: a process that ended half a minute ago still counts;
* a thread count the user asked for wins: `minikeras.config.set_num_threads(n)`, or
  `OPENBLAS_NUM_THREADS` / `MKL_NUM_THREADS` / `OMP_NUM_THREADS` /
  `VECLIB_MAXIMUM_THREADS` in the environment; large products then get exactly `n`.

The library is driven through its own C entry point (`openblas_set_num_threads` and
its suffixed variants, `MKL_Set_Num_Threads`, `bli_thread_set_num_threads`,
Accelerate's `BLASSetThreading`), loaded with `ctypes` from the library already mapped
into this process. Where none is found every call here is a no-op. The library keeps
the count the last product used; calls are made only when the count changes.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import math
import os
import sys
import time

PARALLEL_MIN_MACS = 1 << 25
"""Products with fewer multiply-adds run on one thread (128x512x512 and larger get more):
below this the split costs more than it saves, and under load it costs a lot more. On
the 2-core benchmark machine the `lstm` workload's 21M products and the `transformer`'s
8-17M ones ran no faster on two threads (OpenBLAS's second thread then spins through the
rest of the step, doubling the CPU time), while the `mlp`'s 33-51M ones gain."""

REFRESH_S = 0.25
"""How often the load is sampled (at most; only when a large product asks)."""

CONTENTION_WAIT = 0.10
"""Fraction of the recent time the main thread spent runnable but waiting for a CPU
above which the machine counts as fully busy."""

CONTENTION_HOLD_S = 10.0
"""How long a detected contention keeps large products on one thread."""

LOADAVG_TAU_S = 60.0
"""Time constant of the 1-minute load average (this process's share decays alike)."""

CPUSTAT_MIN_S = 0.1
"""Shortest interval over which `/proc/stat` busy times are read as a CPU count
(`/proc/stat` counts in 10 ms ticks)."""

_ENV_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


# ----------------------------------------------------------------------------- decision


def decide(macs: int, cores: int, others: float, requested: int | None = None) -> int:
    """The number of BLAS threads for one product.

    Args:
        macs: The product's multiply-adds (`m * k * n`).
        cores: CPUs this process may use.
        others: Load of other processes, in CPUs (0 on an idle machine).
        requested: A thread count the user set, or None.

    Returns:
        1 for products under `PARALLEL_MIN_MACS`; `requested` for larger ones when set;
        else the free CPUs (`cores - others`, rounded down unless within a quarter of
        the next one), at least 1.
    """
    if macs < PARALLEL_MIN_MACS:
        return 1
    if requested:
        return requested
    return max(1, min(cores, math.floor(cores - others + 0.25)))


def available_cores() -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        cores = min(cores, max(1, math.floor(quota)))
    return max(1, cores)


@functools.cache
def _cgroup_quota() -> float | None:
    """CPUs allowed by a cgroup v2 `cpu.max` or v1 `cfs_quota_us` limit, else None
    (read once: the load monitor asks at every sample)."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
            quota = int(f.read())
        with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
            period = int(f.read())
        return None if quota <= 0 else quota / period
    except (OSError, ValueError):
        return None


def requested_from_env(environ=None) -> int | None:
    """The thread count set in the BLAS environment variables, or None."""
    environ = os.environ if environ is None else environ
    for name in _ENV_VARS:
        try:
            n = int(environ.get(name, "").strip() or 0)
        except ValueError:
            continue
        if n > 0:
            return n
    return None


# ----------------------------------------------------------------------------- load


def _read_schedstat():
    """`(ns on CPU, ns runnable but waiting)` of this process's main thread, or None."""
    try:
        with open("/proc/self/schedstat") as f:
            run, wait = f.read().split()[:2]
        return int(run), int(wait)
    except (OSError, ValueError):
        return None


def _loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _clock_tick_s() -> float:
    """Seconds per `/proc/stat` tick (`USER_HZ`, 100 on Linux)."""
    try:
        return 1.0 / os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError, ZeroDivisionError):
        return 0.01


_TICK_S = _clock_tick_s()


def parse_cpu_busy(text: str, cpus) -> float | None:
    """Seconds the CPUs `cpus` (a set of CPU numbers) have spent busy, from the text of
    `/proc/stat`: user, nice, system, irq and softirq ticks (guest time is inside user;
    idle, iowait and steal are not busy). None when none of `cpus` is listed."""
    ticks, found = 0, False
    for line in text.splitlines():
        if not line.startswith("cpu") or line.startswith("cpu "):
            continue
        name, *fields = line.split()
        try:
            if int(name[3:]) not in cpus:
                continue
            user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
        except ValueError:
            continue
        ticks += user + nice + system + irq + softirq
        found = True
    return ticks * _TICK_S if found else None


def _cpu_busy() -> float | None:
    """Busy seconds of the CPUs this process may run on, or None where they cannot be
    read or would mislead (no `/proc/stat`; a cgroup CPU quota, under which those CPUs
    also run other containers' work)."""
    if _cgroup_quota() is not None:
        return None
    try:
        cpus = os.sched_getaffinity(0)
        with open("/proc/stat") as f:
            return parse_cpu_busy(f.read(), cpus)
    except (AttributeError, OSError):
        return None


class LoadMonitor:
    """Estimates the CPUs other processes use, from CPU busy times, the load average and
    run-queue waits.

    Args:
        cores: CPUs this process may use.
        clock, cpu_clock, loadavg, schedstat, cpu_busy: Sources (monotonic seconds,
            this process's CPU seconds, 1-minute load average or None, main-thread
            `(run_ns, wait_ns)` or None, busy seconds of this process's CPUs or None);
            replaced in tests.
    """

    def __init__(
        self,
        cores: int,
        clock=time.monotonic,
        cpu_clock=time.process_time,
        loadavg=_loadavg,
        schedstat=_read_schedstat,
        cpu_busy=_cpu_busy,
    ):
        self.cores = cores
        self._clock, self._cpu_clock = clock, cpu_clock
        self._loadavg, self._schedstat, self._cpu_busy = loadavg, schedstat, cpu_busy
        self._t = clock()
        self._cpu = cpu_clock()
        self._sched = schedstat()
        self._busy = cpu_busy()
        self._busy_t, self._busy_cpu = self._t, self._cpu  # start of the busy-time window
        self.own_share = 0.0  # this process's CPUs, averaged like the load average
        self.contended_until = -math.inf
        self.others = self._slow_estimate()

    def _slow_estimate(self) -> float:
        load = self._loadavg()
        return 0.0 if load is None else max(0.0, load - self.own_share)

    def _busy_estimate(self, now: float, cpu: float) -> float | None:
        """CPUs used by other processes since the window started (busy CPU time less
        this process's), or None without busy times or before `CPUSTAT_MIN_S` passed
        (then the window goes on)."""
        if self._busy is None:
            return None
        dt = now - self._busy_t
        if dt < CPUSTAT_MIN_S:
            return None
        busy = self._cpu_busy()
        if busy is None:
            self._busy = None
            return None
        others = (busy - self._busy - max(0.0, cpu - self._busy_cpu)) / dt
        self._busy, self._busy_t, self._busy_cpu = busy, now, cpu
        return min(float(self.cores), max(0.0, others))

    def sample(self) -> float:
        """Takes a new sample; returns the estimated load of other processes, in CPUs."""
        now, cpu, sched = self._clock(), self._cpu_clock(), self._schedstat()
        dt = now - self._t
        if dt > 0:
            decay = math.exp(-dt / LOADAVG_TAU_S)
            rate = max(0.0, cpu - self._cpu) / dt
            self.own_share = self.own_share * decay + rate * (1.0 - decay)
            if sched is not None and self._sched is not None:
                ran, waited = sched[0] - self._sched[0], sched[1] - self._sched[1]
                if ran + waited > 0 and waited / (ran + waited) > CONTENTION_WAIT:
                    self.contended_until = now + CONTENTION_HOLD_S
        self._t, self._cpu, self._sched = now, cpu, sched
        busy = self._busy_estimate(now, cpu)
        if busy is not None:
            self.others = busy
        elif self._busy is None:
            self.others = self._slow_estimate()
        if now < self.contended_until:
            self.others = max(self.others, float(self.cores))
        return self.others


# ----------------------------------------------------------------------------- libraries


class BlasLibrary:
    """One BLAS library's thread-count entry points.

    Args:
        name: `"openblas"`, `"mkl"`, `"blis"` or `"accelerate"`.
        setter: Callable taking the thread count.
        getter: Callable returning it, or None.
    """

    def __init__(self, name: str, setter, getter=None):
        self.name, self._set, self._get = name, setter, getter

    def set_threads(self, n: int) -> None:
        self._set(n)

    def get_threads(self) -> int | None:
        return None if self._get is None else int(self._get())


_OPENBLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def _symbol(lib, name):
    try:
        return getattr(lib, name)
    except AttributeError:
        return None


def library_from_handle(lib) -> BlasLibrary | None:
    """The `BlasLibrary` whose entry points `lib` (a `ctypes.CDLL`) exports, or None."""
    for setter in _OPENBLAS_SETTERS:
        fn = _symbol(lib, setter)
        if fn is not None:
            fn.argtypes, fn.restype = [ctypes.c_int], None
            get = _symbol(lib, setter.replace("set_", "get_"))
            if get is not None:
                get.argtypes, get.restype = [], ctypes.c_int
            return BlasLibrary("openblas", fn, get)
    fn = _symbol(lib, "MKL_Set_Num_Threads")
    if fn is not None:
        fn.argtypes, fn.restype = [ctypes.c_int], None
        get = _symbol(lib, "MKL_Get_Max_Threads")
        if get is not None:
            get.restype = ctypes.c_int
        return BlasLibrary("mkl", fn, get)
    fn = _symbol(lib, "bli_thread_set_num_threads")
    if fn is not None:
        fn.argtypes, fn.restype = [ctypes.c_long], None
        get = _symbol(lib, "bli_thread_get_num_threads")
        if get is not None:
            get.restype = ctypes.c_long
        return BlasLibrary("blis", fn, get)
    fn = _symbol(lib, "BLASSetThreading")  # Accelerate (macOS 15): 0 multi, 1 single
    if fn is not None:
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return BlasLibrary("accelerate", lambda n: fn(0 if n > 1 else 1))
    return None


_NAMES = ("openblas", "mkl_rt", "libmkl", "libblis", "libBLAS", "vecLib", "libblas")


def _loaded_library_paths() -> list:
    """Paths of shared libraries mapped into this process that may be a BLAS."""
    paths = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line[line.find("/") :].rstrip() if "/" in line else ""
                if path and any(n in os.path.basename(path) for n in _NAMES):
                    paths.append(path)
    except OSError:
        if sys.platform == "darwin":
            paths.extend(_dyld_images())
    import numpy as np

    base = os.path.dirname(np.__file__)
    for folder in (base + ".libs", os.path.join(base, ".dylibs")):
        paths.extend(glob.glob(os.path.join(folder, "*")))
    seen = []
    for p in paths:
        if p not in seen and any(n in os.path.basename(p) for n in _NAMES):
            seen.append(p)
    return seen


def _dyld_images() -> list:
    try:
        libc = ctypes.CDLL(None)
        count, name = libc._dyld_image_count, libc._dyld_get_image_name
        name.argtypes, name.restype = [ctypes.c_uint32], ctypes.c_char_p
        return [name(i).decode() for i in range(count())]
    except (OSError, AttributeError):
        return []


def find_blas() -> BlasLibrary | None:
    """The BLAS NumPy loaded, driven through its own C entry points; None if unknown."""
    import numpy as np  # noqa: F401  (makes sure NumPy's BLAS is mapped)

    for path in _loaded_library_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        found = library_from_handle(lib)
        if found is not None:
            return found
    return None


# ----------------------------------------------------------------------------- policy


class ThreadPolicy:
    """Applies `decide` to products, setting the library's count when it changes.

    Args:
        library: A `BlasLibrary`, or None (decisions are still made, nothing is set).
        monitor: A `LoadMonitor`, or None for an idle machine.
        cores: CPUs this process may use.
        requested: The user's thread count, or None.
        clock: Monotonic seconds (replaced in tests).
    """

    def __init__(
        self, library, monitor, cores: int, requested: int | None = None, clock=time.monotonic
    ):
        self.library, self.monitor = library, monitor
        self.cores, self.requested = cores, requested
        self._clock = clock
        self._next_sample = -math.inf
        self.others = 0.0
        self.current = library.get_threads() if library is not None else None

    def threads_for(self, macs: int) -> int:
        """The decision for a product of `macs` multiply-adds, under the current load."""
        if macs >= PARALLEL_MIN_MACS and not self.requested and self.monitor is not None:
            now = self._clock()
            if now >= self._next_sample:
                self._next_sample = now + REFRESH_S
                self.others = self.monitor.sample()
        return decide(macs, self.cores, self.others, self.requested)

    def prepare(self, macs: int) -> int:
        """Sets the library up for a product of `macs` multiply-adds; returns its threads."""
        n = self.threads_for(macs)
        if n != self.current and self.library is not None:
            self.library.set_threads(n)
            self.current = n
        return n


_policy: ThreadPolicy | None = None
_requested: int | None = None
_requested_set = False


def policy() -> ThreadPolicy:
    """The process's policy, created on first use (`import minikeras` makes it).

    Creating it finds the BLAS, starts the load monitor and sets the library to the
    count a large product would get now, so that BLAS calls minikeras does not route
    through `prepare_product` (a QR in an initializer, the user's own NumPy) do not
    start on all cores of a busy machine.
    """
    global _policy
    if _policy is None:
        cores = available_cores()
        requested = _requested if _requested_set else requested_from_env()
        _policy = ThreadPolicy(find_blas(), LoadMonitor(cores), cores, requested)
        _policy.prepare(PARALLEL_MIN_MACS)
    return _policy


def prepare_product(m: int, k: int, n: int) -> None:
    """Gives the next `(m, k) @ (k, n)` product its number of BLAS threads."""
    macs = m * k * n
    p = _policy or policy()
    if macs < PARALLEL_MIN_MACS and p.current == 1:
        return
    p.prepare(macs)


def set_num_threads(n: int | None) -> None:
    """Sets the BLAS threads of large products; `None` (or 0) lets minikeras decide.

    Args:
        n: A positive thread count, or None/0 for the automatic policy.
    """
    global _requested, _requested_set
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 0):
        raise ValueError(
            f"Expected a positive integer number of threads, or None for the automatic "
            f"choice. Received: n={n!r}"
        )
    _requested = n or None
    _requested_set = _requested is not None
    if _policy is not None:
        _policy.requested = _requested if _requested_set else requested_from_env()


def get_num_threads() -> int | None:
    """The thread count set by `set_num_threads` or the environment; None when automatic."""
    return _requested if _requested_set else requested_from_env()
