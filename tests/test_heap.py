"""The glibc heap settings made at import (`minikeras.backend.heap`)."""

import os
import subprocess
import sys
import textwrap

import pytest

from minikeras.backend import heap

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETTINGS = {heap.M_MMAP_THRESHOLD: 32 << 20, heap.M_TRIM_THRESHOLD: 64 << 20}


def test_glibc_gets_both_thresholds():
    assert heap.decide({}, "2.36") == SETTINGS


def test_other_c_libraries_are_left_alone():
    assert heap.decide({}, None) is None


@pytest.mark.parametrize(
    "var",
    ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"],
)
def test_a_user_setting_wins(var):
    assert heap.decide({var: "1000000"}, "2.36") is None
    assert heap.decide({var: ""}, "2.36") == SETTINGS


def test_glibc_tunables_for_malloc_win():
    assert heap.decide({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"}, "2.36") is None
    assert heap.decide({"GLIBC_TUNABLES": "glibc.rtld.nns=2"}, "2.36") == SETTINGS


# A step-like cycle: four 3 MB arrays allocated, touched and freed, twenty times. Each
# freed array raises glibc's adaptive thresholds to 3 MB / 6 MB only, so without the
# settings the 12 MB at the heap's top goes back to the OS after every cycle and comes
# back page by page (about 3,000 faults a cycle). Transparent huge pages are turned off
# in the child so that the count is in 4 KiB pages wherever it runs.
_CYCLES = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    core = getattr(np, "_core", None) or np.core
    core.multiarray._set_madvise_hugepage(False)  # count 4 KiB faults on every kernel
    if sys.argv[1] == "import":
        import minikeras  # noqa: F401
    def cycle():
        arrays = [np.ones(3 << 18, np.float32) for _ in range(4)]
        del arrays
    cycle()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        cycle()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(mode, **env):
    environ = dict(os.environ, PYTHONPATH=REPO, **env)
    out = subprocess.run(
        [sys.executable, "-c", _CYCLES, mode],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(heap.glibc_version() is None, reason="the settings are glibc's")
def test_import_keeps_freed_arrays_mapped():
    plain = _faults("plain")
    assert plain > 20_000  # the cycle without the settings: 12 MB faulted back each time
    assert _faults("import") < 2_000
    assert _faults("import", MALLOC_TRIM_THRESHOLD_="131072") > 20_000  # the user's wins


@pytest.mark.skipif(heap.glibc_version() is None, reason="the settings are glibc's")
def test_configure_reports_what_it_set():
    import minikeras  # noqa: F401  (its import configures the heap)

    expected = {} if heap.decide(os.environ, heap.glibc_version()) is None else SETTINGS
    assert heap.configure() == expected
