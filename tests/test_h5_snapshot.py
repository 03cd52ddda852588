"""Small HDF5 files read whole by the checker and handed over as plain data."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from minikeras import models
from minikeras.saving import h5_checker, h5_snapshot, saving_api
from minikeras.saving.h5_checks import CheckedGroup, walk_problems
from minikeras.saving.h5_snapshot_reader import SnapshotDataset, SnapshotGroup


def _snapshot(path):
    collector = h5_snapshot.Collector()
    with h5py.File(path, "r") as f:
        assert walk_problems(f, collector=collector) is None
    payload = collector.payload()
    return None if payload is None else SnapshotGroup.from_payload(payload)


def _same_value(got, want):
    assert type(got) is type(want), (got, want)
    if isinstance(want, np.ndarray):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert [type(v) for v in got.ravel()] == [type(v) for v in want.ravel()]
        assert got.tolist() == want.tolist()
    elif isinstance(want, h5py.Empty):
        assert got.dtype == want.dtype
    else:
        assert got == want


def _same_tree(snap, real):
    assert snap.name == real.name
    assert list(snap.attrs) == list(real.attrs)
    for name in real.attrs:
        _same_value(snap.attrs[name], real.attrs[name])
    if isinstance(real, h5py.Dataset):
        assert isinstance(snap, SnapshotDataset)
        assert (snap.shape, snap.dtype) == (real.shape, real.dtype)
        _same_value(snap[()], real[()])
        return
    assert list(snap) == list(real) and list(snap.keys()) == list(real.keys())
    for key in real:
        _same_tree(snap[key], real[key])


def test_a_snapshot_reads_as_h5py_reads_the_file(tmp_path):
    path = tmp_path / "kinds.h5"
    with h5py.File(path, "w") as f:
        f.attrs["text"] = "naïve"
        f.attrs["texts"] = np.array(["a", "bc"], dtype=h5py.string_dtype())
        f.attrs["fixed"] = np.bytes_(b"abc")
        f.attrs["fixed_array"] = np.array([b"ab", b"c"])
        f.attrs["empty"] = h5py.Empty("f4")
        f.attrs["int"] = 3
        f.attrs["floats"] = np.arange(4.0)
        f.attrs["nothing"] = np.array([], dtype="float64")
        f.attrs.create("array_typed", np.arange(6.0).reshape(2, 3), dtype=np.dtype(("f4", (3,))))
        f.attrs["A_upper"] = 1  # h5py lists attributes by name: upper case first
        layers = f.create_group("layers")
        dense = layers.create_group("dense")
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense["kernel:0"] = np.arange(6, dtype="float32").reshape(2, 3)
        dense["bias:0"] = np.zeros(3, dtype=">f4")  # big-endian, as some old files store
        dense["step"] = np.int64(7)  # a scalar dataset
        dense["flags"] = np.array([True, False])
        dense["none"] = np.zeros((0, 4), dtype="float32")
        ordered = f.create_group("ordered", track_order=True)
        for name in ("b", "a", "c"):
            ordered.create_group(name)
            ordered.attrs[name] = name  # listed in creation order too
    snap = _snapshot(path)
    assert snap is not None
    with h5py.File(path, "r") as real:
        _same_tree(snap, real)
    assert "layers/dense/kernel:0" in snap and "layers/nope" not in snap
    kernel = snap["layers"]["dense"]["kernel:0"]
    assert kernel.name == "/layers/dense/kernel:0" and len(kernel) == 2
    np.testing.assert_array_equal(np.asarray(kernel), np.arange(6).reshape(2, 3))
    kernel[()][0, 0] = 99  # a read is a copy
    assert kernel[0, 0] == 0
    with pytest.raises(KeyError, match="'layers/missing'"):
        snap["layers"]["missing"]
    visited = []
    snap.visititems(lambda name, obj: visited.append(name))
    assert visited[:3] == ["layers", "ordered", "layers/dense"]


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.__setitem__("soft", h5py.SoftLink("/g")),
        lambda f: f["g"].__setitem__("again", f["g/d"]),  # one dataset under two names
        lambda f: f.create_dataset("c", data=np.array([(1, 2.0)], dtype="i4,f8")),
        lambda f: f.create_dataset("v", data=np.array(["x"], dtype=h5py.string_dtype())),
        lambda f: f.create_dataset("big", shape=(300, 1024), dtype="f8"),  # 2.4 MB
        lambda f: f.attrs.create(b"\xffname", 1),  # h5py gives these names as bytes
        lambda f: f.create_group(b"x\xff"),
    ],
    ids=[
        "soft_link",
        "hard_link_twice",
        "compound",
        "vlen_strings",
        "big",
        "non_utf8_attribute_name",
        "non_utf8_link_name",
    ],
)
def test_files_the_snapshot_does_not_encode_are_read_by_the_loader(tmp_path, make, monkeypatch):
    monkeypatch.setattr(h5_snapshot, "MAX_BYTES", 2**20)
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.create_group("g")["d"] = np.ones(3)
        make(f)
    assert _snapshot(path) is None


def test_a_walk_cut_short_gives_no_snapshot(tmp_path):
    path = tmp_path / "deep.h5"
    with h5py.File(path, "w") as f:
        f.create_group("a/b/c")
    collector = h5_snapshot.Collector()
    with h5py.File(path, "r") as f:
        assert walk_problems(f, max_depth=1, collector=collector) is None
    assert collector.payload() is None


def test_the_decoder_takes_only_plain_numbers_and_bytes():
    collector = h5_snapshot.Collector()

    class Root:
        def get_create_plist(self):
            return h5py.h5p.create(h5py.h5p.GROUP_CREATE)

        def __iter__(self):
            return iter([])

    collector.group("", Root(), 1)
    collector.order("", Root(), 0)
    collector.attribute("", "x", np.arange(3))
    payload = collector.payload()
    size = int.from_bytes(payload[:8], "big")
    tree = json.loads(payload[8 : 8 + size])
    tree["attrs"][0][1]["dtype"] = "|O"  # object pointers from a file: never decoded
    head = json.dumps(tree).encode()
    forged = len(head).to_bytes(8, "big") + head + payload[8 + size :]
    with pytest.raises(ValueError, match="unexpected dtype"):
        SnapshotGroup.from_payload(forged).attrs["x"]


def test_loading_uses_the_snapshot_of_a_small_file_and_reads_a_big_one_itself(
    tmp_path, monkeypatch
):
    import minikeras

    model = minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(3)])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with saving_api.open_h5(path) as f:
        assert isinstance(f, SnapshotGroup)
    h5_checker.stop()  # the next checker is forked with the smaller limit
    monkeypatch.setattr(h5_snapshot, "MAX_BYTES", 16)
    try:
        with saving_api.open_h5(path) as f:
            assert isinstance(f, CheckedGroup)
        other = minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(3)])
        other.load_weights(path)
        np.testing.assert_array_equal(other.layers[0].kernel.numpy(), model.layers[0].kernel)
    finally:
        h5_checker.stop()
    reloaded = models.clone_model(model)
    reloaded.load_weights(path)  # from a snapshot again
    np.testing.assert_array_equal(reloaded.layers[0].kernel.numpy(), model.layers[0].kernel)


_FIRST_LOAD = """
import sys
import numpy as np
import minikeras
from minikeras.saving import h5_snapshot

h5_snapshot.FIRST_LOAD_MAX_BYTES = int(sys.argv[2])
path = sys.argv[1]
first = minikeras.models.load_model(path, compile=False)
print(type(first).__name__, "h5py" in sys.modules)
print(np.asarray(first.predict(np.ones((1, 300), "float32"), verbose=0)).tolist())
minikeras.models.load_model(path, compile=False)  # a later load: the usual limit
print("h5py" in sys.modules)
"""


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_a_first_load_takes_a_file_back_whole_and_never_imports_h5py(tmp_path, suffix):
    """A process's first load, before it has imported h5py, gets files up to
    `FIRST_LOAD_MAX_BYTES` back whole (this one is over `MAX_BYTES`); a bigger one, or a
    later load, is read through h5py as usual. Both give the saved model's outputs."""
    import subprocess
    import sys

    import minikeras

    model = minikeras.Sequential(
        [minikeras.Input((300,)), minikeras.layers.Dense(300), minikeras.layers.Dense(2)]
    )
    path = tmp_path / f"m{suffix}"
    model.save(path)
    assert path.stat().st_size > h5_snapshot.MAX_BYTES
    want = np.asarray(model.predict(np.ones((1, 300), "float32"), verbose=0)).tolist()
    for limit, whole in ((16 * 2**20, True), (h5_snapshot.MAX_BYTES, False)):
        done = subprocess.run(
            [sys.executable, "-c", _FIRST_LOAD, str(path), str(limit)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        lines = done.stdout.splitlines()
        assert lines[0] == f"Sequential {not whole}", (limit, done.stdout)
        assert json.loads(lines[1]) == want
        assert lines[2] == "True"


def test_a_first_load_the_snapshot_cannot_encode_is_read_through_h5py(tmp_path):
    import subprocess
    import sys

    import minikeras

    model = minikeras.Sequential([minikeras.Input((300,)), minikeras.layers.Dense(2)])
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path, "a") as f:
        f["weights_again"] = h5py.SoftLink("/model_weights")  # not encoded in snapshots
    want = np.asarray(model.predict(np.ones((1, 300), "float32"), verbose=0)).tolist()
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_LOAD, str(path), str(16 * 2**20)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "Sequential True" and json.loads(lines[1]) == want
