"""The long-lived checker process that walks HDF5 files before they are read."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import h5py
import numpy as np
import pytest

from minikeras import models
from minikeras.saving import h5_checker, h5_checks
from minikeras.saving.h5_checks import MAX_WALK_DEPTH, walk_problems

REPO = Path(__file__).resolve().parent.parent
FILES = Path(__file__).parent / "fixtures" / "keras_files"
WEIGHTS = FILES / "p1_xor" / "k3" / "model.weights.h5"
ARCHIVE = FILES / "p1_xor" / "k3" / "model.keras"
HANGS = FILES / "corrupt" / "hangs_hdf5_k3_full.h5"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _checker_is_walking() -> bool:
    """Whether this process's checker holds a request (a report or verdict comes)."""
    ready, _, _ = select.select([h5_checker._state["replies"]], [], [], 5.0)
    return bool(ready)


def xor_model():
    return models.load_model(ARCHIVE)


def test_later_loads_reuse_the_checker(forks):
    h5_checker.stop()
    model = xor_model()
    first = h5_checker.checker_pid()
    assert forks == [first]
    model.load_weights(WEIGHTS)  # a plain path
    models.load_model(ARCHIVE)  # a member stored in the archive
    assert forks == [first]
    assert h5_checker.checker_pid() == first and _alive(first)


def test_a_hanging_file_kills_the_checker_and_the_next_load_gets_a_new_one():
    xor_model()
    old = h5_checker.checker_pid()
    with pytest.raises(ValueError, match="hangs_hdf5_k3_full.h5.*looks corrupt"):
        models.load_model(HANGS)
    assert h5_checker.checker_pid() != old
    assert not _alive(old)  # killed and reaped
    model = xor_model()
    x = np.array([[0, 1]], dtype="float32")
    assert model.predict(x, verbose=0).shape == (1, 1)
    assert h5_checker.checker_pid() is not None


def test_the_checker_keeps_none_of_this_processs_file_descriptors():
    h5_checker.stop()
    read_end, write_end = os.pipe()
    try:
        xor_model()  # the checker is forked while both ends are open here
        os.close(write_end)
        ready, _, _ = select.select([read_end], [], [], 5.0)
        assert ready, "the checker still holds the write end: the reader never sees EOF"
        assert os.read(read_end, 1) == b""
    finally:
        os.close(read_end)


def test_the_checker_ignores_ctrl_c_and_keeps_answering():
    xor_model()
    pid = h5_checker.checker_pid()
    os.kill(pid, signal.SIGINT)  # what a terminal sends to the whole process group
    xor_model()
    assert h5_checker.checker_pid() == pid and _alive(pid)


def test_a_checker_that_died_between_loads_is_replaced():
    xor_model()
    pid = h5_checker.checker_pid()
    os.kill(pid, signal.SIGKILL)
    xor_model()  # checked by a one-shot child if the checker was not yet seen dead
    xor_model()
    assert h5_checker.checker_pid() not in (None, pid)
    assert not _alive(pid)


def _run_script(body: str) -> str:
    script = textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_checker_ends_with_its_process():
    # `capture_output` waits for every holder of the script's stdout: the checker holds none.
    out = _run_script(
        f"""
        from minikeras import models
        from minikeras.saving import h5_checker, h5_checks
        models.load_model({str(ARCHIVE)!r})
        print(h5_checker.checker_pid())
        """
    )
    pid = int(out.strip())
    assert not _alive(pid)


def test_a_forked_child_uses_its_own_checker():
    out = _run_script(
        f"""
        import os
        from minikeras import models
        from minikeras.saving import h5_checker, h5_checks
        models.load_model({str(ARCHIVE)!r})
        parent_checker = h5_checker.checker_pid()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                assert h5_checker.checker_pid() is None
                models.load_model({str(ARCHIVE)!r})
                mine = h5_checker.checker_pid()
                assert mine not in (None, parent_checker)
                h5_checker.stop()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
        models.load_model({str(ARCHIVE)!r})
        assert h5_checker.checker_pid() == parent_checker
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_loads_from_several_threads_at_once():
    errors = []

    def load_many():
        try:
            for _ in range(5):
                xor_model()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=load_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []


def test_the_walk_reads_attributes_of_every_kind(tmp_path, monkeypatch):
    path = tmp_path / "attrs.h5"
    with h5py.File(path, "w") as f:
        f.attrs["text"] = "a string"
        f.attrs["texts"] = np.array([b"a", b"bc"], dtype=h5py.string_dtype())
        f.attrs.create("array_typed", np.arange(6.0).reshape(2, 3), dtype=np.dtype(("f4", (3,))))
        f.attrs["compound"] = np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])
        f.attrs["empty"] = h5py.Empty("f4")
        f.attrs["scalar"] = 3
        f.create_dataset("d", data=np.ones(3)).attrs["inner"] = "x"
    with h5py.File(path, "r") as f:
        assert walk_problems(f) is None
        f.attrs["array_typed"]  # h5py reads it too
    # An attribute declaring more than the limit is named.
    with h5py.File(path, "a") as f:
        f["d"].attrs["huge"] = np.zeros(64, dtype="u1")
    monkeypatch.setattr(h5_checks, "_MAX_ATTRIBUTE_BYTES", 63)
    with h5py.File(path, "r") as f:
        assert "attribute 'huge' of 'd' declares" in walk_problems(f)


def test_the_walk_does_not_list_groups_below_its_depth_limit(tmp_path):
    path = tmp_path / "deep.h5"
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.zeros(1)
    with h5py.File(path, "w") as f:
        group = f
        for i in range(MAX_WALK_DEPTH):
            group = group.create_group(f"g{i}")
        group["out"] = h5py.ExternalLink(str(other), "x")
    with h5py.File(path, "r") as f:
        assert "external link" in walk_problems(f, max_depth=MAX_WALK_DEPTH + 1)
        assert walk_problems(f) is None  # left to the loader's checked reads


def test_a_group_or_attribute_list_bigger_than_the_budget_ends_the_walk(tmp_path):
    path = tmp_path / "wide.h5"
    with h5py.File(path, "w") as f:
        f.create_group("a").attrs["ok"] = 1
        wide = f.create_group("b")
        for i in range(60):
            wide[f"d{i}"] = np.zeros(1)
        f.create_group("z")["out"] = h5py.ExternalLink("elsewhere.h5", "x")
    with h5py.File(path, "r") as f:
        assert "external link" in walk_problems(f, max_objects=200)
        assert walk_problems(f, max_objects=50) is None  # "b" is too big to walk
    with h5py.File(path, "a") as f:
        for i in range(60):
            f["a"].attrs[f"n{i}"] = i
    with h5py.File(path, "r") as f:
        assert walk_problems(f, max_objects=50) is None  # "a" has too many attributes


def test_an_interrupted_check_leaves_no_late_verdict_behind(monkeypatch):
    xor_model()
    old = h5_checker.checker_pid()
    real_select = select.select
    calls = []

    def interrupted_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real_select(*args)

    monkeypatch.setattr(h5_checker.select, "select", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        xor_model()
    assert h5_checker.checker_pid() is None and not _alive(old)
    monkeypatch.setattr(h5_checker.select, "select", real_select)
    with pytest.raises(ValueError, match="looks corrupt"):
        models.load_model(HANGS)
    xor_model()


def test_the_checker_walks_while_this_process_does_its_own_work():
    """On a first load this process imports h5py while the new checker walks the file:
    the request is sent before that work starts."""
    h5_checker.stop()
    replied_meanwhile = []

    def meanwhile():
        replied_meanwhile.append(_checker_is_walking())

    snapshot = h5_checker.walk(("path", str(WEIGHTS.resolve())), meanwhile)
    assert isinstance(snapshot, memoryview) and len(snapshot)  # passed; small: a snapshot
    assert replied_meanwhile == [True]


def test_load_model_builds_its_imports_while_the_checker_walks(monkeypatch):
    """`load_model` of an `.h5` file hands its own imports to the check: they run once,
    while the checker has the request, and a failure in them ends the check cleanly."""
    from minikeras.saving import h5_preflight, legacy_h5_model

    path = FILES / "p1_xor" / "k3" / "k3_full.h5"
    h5_checker.stop()
    calls = []

    def recording():
        calls.append(_checker_is_walking())

    monkeypatch.setattr(legacy_h5_model, "import_model_builders", recording)
    model = models.load_model(path)
    assert calls == [True] and model.predict(np.ones((1, 2)), verbose=0).shape == (1, 1)

    def failing():
        raise ImportError("no builders")

    monkeypatch.setattr(legacy_h5_model, "import_model_builders", failing)
    with pytest.raises(ImportError, match="no builders"):
        models.load_model(path)
    assert h5_checker.checker_pid() is None  # stopped: no late verdict for the next check
    monkeypatch.setattr(legacy_h5_model, "import_model_builders", recording)
    models.load_model(path)
    assert calls == [True, True]
    prepared = []
    monkeypatch.delattr(h5_preflight.os, "fork")  # a platform without fork: checked here
    h5_preflight.check_hdf5(lambda: h5py.File(path, "r"), "x", prepare=lambda: prepared.append(1))
    assert prepared == [1]


def test_a_keras_archive_builds_its_model_while_the_checker_walks(monkeypatch, tmp_path):
    """For a stored weights member (as Keras writes it) the model is built during the
    check; a config that fails to build still gives the loader's one-line error."""
    import json
    import zipfile

    from minikeras.saving import serialization

    real = serialization.deserialize_keras_object
    during_check = []

    def recording(config, *args, **kwargs):
        if not during_check:
            during_check.append(_checker_is_walking())
        return real(config, *args, **kwargs)

    h5_checker.stop()
    monkeypatch.setattr(serialization, "deserialize_keras_object", recording)
    model = models.load_model(ARCHIVE)
    assert during_check == [True] and model.predict(np.ones((1, 2)), verbose=0).shape == (1, 1)

    broken = tmp_path / "broken.keras"
    with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "config.json":
                config = json.loads(data)
                config["config"]["layers"][1]["class_name"] = "NoSuchLayer"
                data = json.dumps(config).encode()
            target.writestr(info, data)
    with pytest.raises(ValueError, match="broken.keras.*NoSuchLayer"):
        models.load_model(broken)
    xor_model()


def test_a_checker_killed_mid_check_hands_the_file_to_a_one_shot_child(forks, tmp_path):
    """A checker that dies before its verdict (here killed while the file is walked)
    is not taken for a crash on the file: a one-shot child checks it instead."""
    from minikeras.saving import h5_preflight

    path = str(tmp_path / "slow_to_walk.h5")
    with h5py.File(path, "w") as f:  # 2,000 datasets: a walk of about 0.1 s
        for i in range(2000):
            f[f"d{i}"] = np.zeros(1)
    h5_checker.stop()

    def kill_the_checker():  # also runs again beside the one-shot child
        if h5_checker.checker_pid() is not None:
            os.kill(h5_checker.checker_pid(), signal.SIGKILL)

    opener = lambda: h5py.File(path, "r")  # noqa: E731
    assert h5_preflight._walk(opener, ("path", path), kill_the_checker) is None
    assert len(forks) == 2  # the checker, then the one-shot child
    assert h5_checker.checker_pid() is None
    assert not _alive(forks[0])
