"""The BLAS thread policy: which product gets how many threads under which conditions.

Every test here checks decisions from given observations (fake clocks, load averages,
run-queue waits and libraries); none of them times anything.
"""

import types

import numpy as np
import pytest

import minikeras
from minikeras.backend import blas_threads as bt

LARGE = 128 * 784 * 512  # the mlp's first-layer product
MEDIUM = 32 * 128 * 256  # one bidirectional-LSTM projection step: slower on two threads
SMALL = 4 * 2 * 10


# ----------------------------------------------------------------------------- decide


@pytest.mark.parametrize("macs", [SMALL, MEDIUM, bt.PARALLEL_MIN_MACS - 1])
@pytest.mark.parametrize("others", [0.0, 3.0])
def test_products_under_the_threshold_get_one_thread(macs, others):
    assert bt.decide(macs, cores=2, others=others) == 1
    assert bt.decide(macs, cores=64, others=others) == 1
    assert bt.decide(macs, cores=8, others=others, requested=8) == 1


@pytest.mark.parametrize(
    "cores, others, expected",
    [
        (2, 0.0, 2),  # idle: all cores
        (2, 0.2, 2),  # a little background noise
        (2, 0.8, 1),  # one core mostly busy
        (2, 1.0, 1),
        (2, 2.0, 1),  # two CPU-bound competitors
        (2, 9.0, 1),  # a crowded machine never gets zero
        (8, 3.0, 5),
        (8, 0.0, 8),
        (1, 0.0, 1),
    ],
)
def test_large_products_get_the_free_cores(cores, others, expected):
    assert bt.decide(LARGE, cores=cores, others=others) == expected
    assert bt.decide(bt.PARALLEL_MIN_MACS, cores=cores, others=others) == expected


@pytest.mark.parametrize("others", [0.0, 2.0, 10.0])
def test_a_requested_count_wins_for_large_products(others):
    assert bt.decide(LARGE, cores=2, others=others, requested=2) == 2
    assert bt.decide(LARGE, cores=2, others=others, requested=1) == 1
    assert bt.decide(LARGE, cores=2, others=others, requested=4) == 4


# ----------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, None),
        ({"OPENBLAS_NUM_THREADS": "1"}, 1),
        ({"OMP_NUM_THREADS": "3"}, 3),
        ({"MKL_NUM_THREADS": " 2 "}, 2),
        ({"VECLIB_MAXIMUM_THREADS": "4"}, 4),
        ({"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"}, 2),
        ({"OPENBLAS_NUM_THREADS": "many", "OMP_NUM_THREADS": "1"}, 1),
        ({"OPENBLAS_NUM_THREADS": "0"}, None),
        ({"OMP_NUM_THREADS": ""}, None),
    ],
)
def test_requested_from_env(env, expected):
    assert bt.requested_from_env(env) == expected


def test_available_cores_follows_affinity_and_cgroup_quota(monkeypatch):
    monkeypatch.setattr(bt.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(bt, "_cgroup_quota", lambda: None)
    assert bt.available_cores() == 4
    monkeypatch.setattr(bt, "_cgroup_quota", lambda: 2.5)  # a 2.5-CPU container
    assert bt.available_cores() == 2
    monkeypatch.setattr(bt, "_cgroup_quota", lambda: 0.5)  # a fractional serverless CPU
    assert bt.available_cores() == 1


def test_the_cgroup_quota_is_read_once_per_process(monkeypatch):
    import builtins

    reads = []
    real_open = builtins.open

    def counting_open(path, *args, **kwargs):
        if str(path).startswith("/sys/fs/cgroup"):
            reads.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    bt._cgroup_quota.cache_clear()
    try:
        first = bt._cgroup_quota()
        after_first = len(reads)
        for _ in range(3):
            assert bt._cpu_busy() is None or first is None
            assert bt._cgroup_quota() == first
        assert after_first >= 1 and len(reads) == after_first
    finally:
        bt._cgroup_quota.cache_clear()


class FakeSources:
    """Monotonic clock, process CPU clock, load average, schedstat and (when `busy` is
    given) the CPUs' busy seconds under test control."""

    def __init__(self, load=0.0, busy=None):
        self.t, self.cpu, self.load = 100.0, 0.0, load
        self.run = self.wait = 0
        self.busy = busy  # None: no `/proc/stat` (the load-average estimate)

    def advance(self, seconds, cpu_rate=1.0, wait_fraction=0.0, others=0.0):
        """`seconds` pass; this process uses `cpu_rate` CPUs, other processes `others`."""
        self.t += seconds
        self.cpu += seconds * cpu_rate
        if self.busy is not None:
            self.busy += seconds * (cpu_rate + others)
        ns = int(seconds * 1e9)
        self.wait += int(ns * wait_fraction)
        self.run += ns - int(ns * wait_fraction)

    def monitor(self, cores=2):
        return bt.LoadMonitor(
            cores,
            clock=lambda: self.t,
            cpu_clock=lambda: self.cpu,
            loadavg=lambda: self.load,
            schedstat=lambda: (self.run, self.wait),
            cpu_busy=lambda: self.busy,
        )


def test_monitor_counts_the_load_average_less_this_process():
    src = FakeSources(load=2.0)
    mon = src.monitor()
    assert mon.others == 2.0  # at start nothing of the load is ours
    # This process then runs one CPU flat out for five minutes while the load average
    # (ours included) reads 1.0: nobody else is running.
    src.load = 1.0
    for _ in range(300):
        src.advance(1.0, cpu_rate=1.0)
        mon.sample()
    assert mon.own_share == pytest.approx(1.0, abs=0.01)
    assert mon.others == pytest.approx(0.0, abs=0.01)
    # Two competitors join; the load average has caught up with them.
    src.load = 3.0
    src.advance(0.3)
    assert mon.sample() == pytest.approx(2.0, abs=0.02)


def test_monitor_without_sources_reads_an_idle_machine():
    mon = bt.LoadMonitor(
        2, clock=lambda: 1.0, cpu_clock=lambda: 0.0, loadavg=lambda: None, schedstat=lambda: None
    )
    assert mon.sample() == 0.0


def test_run_queue_waits_mark_the_machine_busy_before_the_load_average_moves():
    src = FakeSources(load=0.0)
    mon = src.monitor(cores=2)
    src.advance(0.3, wait_fraction=0.02)  # idle machine: short waits
    assert mon.sample() == 0.0
    src.advance(0.3, wait_fraction=1 / 3)  # two competitors on two cores: 1/3 waiting
    assert mon.sample() == 2.0
    # The contention is held while the load average (still 0) catches up ...
    src.advance(bt.CONTENTION_HOLD_S / 2, wait_fraction=0.0)
    assert mon.sample() == 2.0
    # ... and released once it has passed with no more waits.
    src.advance(bt.CONTENTION_HOLD_S, wait_fraction=0.0)
    assert mon.sample() == 0.0


def test_busy_times_count_other_processes_now_not_a_minute_ago():
    # The load average still holds a process that ended just before this one started
    # (0.9 CPUs of it); the CPUs' busy times show that only this process runs.
    src = FakeSources(load=0.9, busy=5000.0)
    mon = src.monitor(cores=2)
    assert mon.others == 0.9  # before any busy-time window, the load average
    src.advance(bt.REFRESH_S, cpu_rate=1.0)
    assert mon.sample() == pytest.approx(0.0)
    # Two BLAS threads of this process: still nobody else.
    src.advance(bt.REFRESH_S, cpu_rate=2.0)
    assert mon.sample() == pytest.approx(0.0)
    # One competitor starts and takes one CPU of the two.
    src.advance(bt.REFRESH_S, cpu_rate=1.0, others=1.0)
    assert mon.sample() == pytest.approx(1.0)
    # Two competitors: this process gets 2/3 of a CPU, they get 4/3.
    src.advance(bt.REFRESH_S, cpu_rate=2 / 3, others=4 / 3)
    assert mon.sample() == pytest.approx(4 / 3)


def test_busy_times_are_read_over_at_least_the_minimum_window():
    src = FakeSources(load=0.0, busy=100.0)
    mon = src.monitor(cores=2)
    src.advance(bt.REFRESH_S, cpu_rate=1.0, others=1.0)
    assert mon.sample() == pytest.approx(1.0)
    src.advance(bt.CPUSTAT_MIN_S / 4, cpu_rate=1.0, others=1.0)  # too short: kept
    src.load = 5.0  # (and the load average is not read instead)
    assert mon.sample() == pytest.approx(1.0)
    src.advance(bt.CPUSTAT_MIN_S, cpu_rate=1.0, others=0.0)  # the window spans both
    assert mon.sample() == pytest.approx(0.2)


def test_run_queue_waits_still_mark_the_machine_busy_with_busy_times():
    src = FakeSources(load=0.0, busy=100.0)
    mon = src.monitor(cores=2)
    src.advance(bt.REFRESH_S, cpu_rate=1.0, wait_fraction=0.4, others=0.5)
    assert mon.sample() == 2.0


def test_parse_cpu_busy_counts_the_allowed_cpus_busy_ticks():
    text = (
        "cpu  300 30 60 9000 40 3 6 50 0 0\n"
        "cpu0 100 10 20 3000 10 1 2 20 0 0\n"
        "cpu1 100 10 20 3000 10 1 2 20 0 0\n"
        "cpu2 100 10 20 3000 20 1 2 10 0 0\n"
        "intr 1 2 3\n"
    )
    tick = bt._TICK_S
    assert bt.parse_cpu_busy(text, {0}) == pytest.approx(133 * tick)
    assert bt.parse_cpu_busy(text, {0, 2}) == pytest.approx(266 * tick)
    assert bt.parse_cpu_busy(text, {5}) is None


def test_idle_machine_with_a_stale_load_average_gets_both_cores():
    src = FakeSources(load=0.6, busy=0.0)
    lib = FakeLibrary(threads=1)
    pol = bt.ThreadPolicy(lib, src.monitor(), cores=2, clock=lambda: src.t)
    assert pol.prepare(LARGE) == 1  # the load average alone: 0.6 CPUs taken
    src.advance(bt.REFRESH_S, cpu_rate=1.0)
    assert pol.prepare(LARGE) == 2
    src.advance(bt.REFRESH_S, cpu_rate=1.0, others=1.0)  # a competitor
    assert pol.prepare(LARGE) == 1


# ----------------------------------------------------------------------------- policy


class FakeLibrary(bt.BlasLibrary):
    def __init__(self, threads=2):
        self.threads, self.calls = threads, []
        super().__init__("fake", self._record, lambda: self.threads)

    def _record(self, n):
        self.calls.append(n)
        self.threads = n


def test_policy_sets_the_library_only_when_the_count_changes():
    src = FakeSources(load=0.0)
    lib = FakeLibrary(threads=2)
    pol = bt.ThreadPolicy(lib, src.monitor(), cores=2, clock=lambda: src.t)
    assert pol.prepare(LARGE) == 2
    assert lib.calls == []  # already two
    assert [pol.prepare(m) for m in (SMALL, MEDIUM, MEDIUM)] == [1, 1, 1]
    assert lib.calls == [1]
    assert pol.prepare(LARGE) == 2
    assert lib.calls == [1, 2]


def test_policy_under_two_competitors_keeps_large_products_on_one_thread():
    src = FakeSources(load=0.0)
    lib = FakeLibrary(threads=2)
    pol = bt.ThreadPolicy(lib, src.monitor(), cores=2, clock=lambda: src.t)
    assert pol.prepare(LARGE) == 2
    src.advance(bt.REFRESH_S, wait_fraction=0.4)  # competitors start
    assert pol.prepare(LARGE) == 1
    src.load = 3.0  # later the load average says the same
    for _ in range(100):
        src.advance(bt.REFRESH_S, wait_fraction=0.3)
        assert pol.prepare(LARGE) == 1
    assert lib.calls == [1]


def test_policy_samples_the_load_at_most_every_refresh_interval():
    src = FakeSources(load=0.0)
    mon = src.monitor()
    samples = []
    real_sample = mon.sample
    mon.sample = lambda: samples.append(src.t) or real_sample()
    pol = bt.ThreadPolicy(FakeLibrary(), mon, cores=2, clock=lambda: src.t)
    for _ in range(10):
        pol.prepare(LARGE)
        pol.prepare(SMALL)  # small products never sample
        src.advance(bt.REFRESH_S / 5)
    assert len(samples) == 2


def test_a_requested_count_ignores_the_load():
    src = FakeSources(load=8.0)
    lib = FakeLibrary(threads=1)
    pol = bt.ThreadPolicy(lib, src.monitor(), cores=2, requested=2, clock=lambda: src.t)
    assert pol.prepare(LARGE) == 2
    assert pol.prepare(SMALL) == 1
    assert lib.calls == [2, 1]


def test_unknown_library_decides_but_sets_nothing():
    pol = bt.ThreadPolicy(None, None, cores=4)
    assert pol.prepare(LARGE) == 4
    assert pol.prepare(SMALL) == 1


# ----------------------------------------------------------------------------- libraries


class _Symbol:
    """Stands for a `ctypes` function: callable, with settable `argtypes`/`restype`."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)


def _handle(**symbols):
    return types.SimpleNamespace(**{k: _Symbol(v) for k, v in symbols.items()})


def test_library_from_handle_recognises_each_blas():
    got = []
    openblas = bt.library_from_handle(
        _handle(
            scipy_openblas_set_num_threads64_=got.append,
            scipy_openblas_get_num_threads64_=lambda: 7,
        )
    )
    assert openblas.name == "openblas"
    openblas.set_threads(3)
    assert got == [3] and openblas.get_threads() == 7
    plain = bt.library_from_handle(_handle(openblas_set_num_threads=got.append))
    assert plain.name == "openblas" and plain.get_threads() is None
    mkl = bt.library_from_handle(
        _handle(MKL_Set_Num_Threads=got.append, MKL_Get_Max_Threads=lambda: 4)
    )
    assert mkl.name == "mkl" and mkl.get_threads() == 4
    assert bt.library_from_handle(_handle(bli_thread_set_num_threads=got.append)).name == "blis"
    modes = []
    accelerate = bt.library_from_handle(_handle(BLASSetThreading=modes.append))
    accelerate.set_threads(1)
    accelerate.set_threads(2)
    assert accelerate.name == "accelerate" and modes == [1, 0]  # single, multi
    assert bt.library_from_handle(_handle(cblas_sgemm=print)) is None


def _numpy_blas_name():
    deps = np.show_config(mode="dicts").get("Build Dependencies", {})
    return str(deps.get("blas", {}).get("name", ""))


def test_find_blas_drives_the_blas_numpy_loaded():
    lib = bt.find_blas()
    name = _numpy_blas_name()
    if "openblas" not in name:
        pytest.skip(f"this NumPy is built with {name!r}; the check covers OpenBLAS builds")
    assert lib is not None and lib.name == "openblas"
    before = lib.get_threads()
    try:
        lib.set_threads(1)
        assert lib.get_threads() == 1
    finally:
        lib.set_threads(before)


# ----------------------------------------------------------------------------- public API


def test_config_set_num_threads_drives_the_process_policy(monkeypatch):
    for var in bt._ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    lib = FakeLibrary(threads=2)
    monkeypatch.setattr(bt, "_policy", bt.ThreadPolicy(lib, None, cores=2))
    try:
        minikeras.config.set_num_threads(1)
        assert minikeras.config.get_num_threads() == 1
        bt.prepare_product(128, 784, 512)
        assert lib.threads == 1
        minikeras.config.set_num_threads(None)
        assert minikeras.config.get_num_threads() is None
        bt.prepare_product(128, 784, 512)
        assert lib.threads == 2  # automatic again: idle (no monitor), two cores
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        minikeras.config.set_num_threads(0)
        assert minikeras.config.get_num_threads() == 1
    finally:
        minikeras.config.set_num_threads(None)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_set_num_threads_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="Received: n="):
        minikeras.config.set_num_threads(bad)


def test_model_products_go_through_the_policy(monkeypatch):
    """A Dense model's large products ask the policy; small ones leave it alone."""
    lib = FakeLibrary(threads=1)
    monkeypatch.setattr(bt, "_policy", bt.ThreadPolicy(lib, None, cores=2))
    model = minikeras.Sequential(
        [
            minikeras.Input((784,)),
            minikeras.layers.Dense(512, activation="relu"),
            minikeras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.zeros((128, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[np.zeros(128, dtype=int)]
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    # Forward 128x784x512 (large: both cores of an idle machine), 128x512x10 (small);
    # backward 512x128x10 and 128x10x512 (small, no change), 784x128x512 (large).
    assert lib.calls == [2, 1, 2]
    lib.calls.clear()
    model.predict(x[:2], verbose=0)  # 2x784x512 and 2x512x10: small
    assert lib.calls == [1]
    model.predict(x[:2], verbose=0)
    assert lib.calls == [1]


def test_recurrent_and_attention_sized_products_stay_on_one_thread():
    # 64x80 timesteps of a 32->128 LSTM projection (21M) and a 2048x64x128 attention
    # feed-forward product (17M): one thread on an idle 2-core machine; the mlp's
    # 128x512x512 hidden product (33.5M) gets both cores.
    assert bt.decide(64 * 80 * 32 * 128, cores=2, others=0.0) == 1
    assert bt.decide(2048 * 64 * 128, cores=2, others=0.0) == 1
    assert bt.decide(128 * 512 * 512, cores=2, others=0.0) == 2
