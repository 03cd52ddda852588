"""`keras.datasets` loaders against Keras 3.15.1 on the same synthetic cache files.

tests/fixtures/datasets/keras_oracle.py wrote keras_expected.npz by running
real Keras on the files that synthetic_cache.py writes; no network is used.
"""

from __future__ import annotations

import os
import pathlib
import pickle
import tarfile

import numpy as np
import pytest

from minikeras import datasets
from minikeras.utils import get_file
from minikeras.utils.pickle_reader import UnsafePickleError, load_npz, loads
from tests.conftest import FIXTURES
from tests.fixtures.datasets.synthetic_cache import write_cache

EXPECTED = np.load(FIXTURES / "datasets" / "keras_expected.npz")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    write_cache(str(tmp_path))
    return tmp_path


def _check(prefix, split):
    (xtr, ytr), (xte, yte) = split
    for name, arr in (("x_train", xtr), ("y_train", ytr), ("x_test", xte), ("y_test", yte)):
        arr = np.asarray(arr)
        if arr.dtype == object:
            np.testing.assert_array_equal(
                np.concatenate([np.asarray(s) for s in arr]), EXPECTED[f"{prefix}/{name}/flat"]
            )
            np.testing.assert_array_equal(
                [len(s) for s in arr], EXPECTED[f"{prefix}/{name}/lengths"]
            )
        else:
            want = EXPECTED[f"{prefix}/{name}"]
            assert arr.dtype == want.dtype, (prefix, name)
            np.testing.assert_array_equal(arr, want)


CASES = [
    ("mnist", lambda: datasets.mnist.load_data()),
    ("fashion_mnist", lambda: datasets.fashion_mnist.load_data()),
    ("boston", lambda: datasets.boston_housing.load_data()),
    ("boston_split", lambda: datasets.boston_housing.load_data(test_split=0.4, seed=7)),
    ("imdb", lambda: datasets.imdb.load_data()),
    ("imdb_args", lambda: datasets.imdb.load_data(num_words=20, skip_top=5, maxlen=9, seed=3)),
    (
        "imdb_nooov",
        lambda: datasets.imdb.load_data(num_words=25, oov_char=None, start_char=None, index_from=0),
    ),
    ("reuters", lambda: datasets.reuters.load_data()),
    ("reuters_args", lambda: datasets.reuters.load_data(num_words=30, maxlen=10, test_split=0.3)),
    ("cifar100", lambda: datasets.cifar100.load_data()),
    ("cifar100_coarse", lambda: datasets.cifar100.load_data(label_mode="coarse")),
]


@pytest.mark.parametrize("prefix,load", CASES, ids=[c[0] for c in CASES])
def test_loader_matches_keras(keras_home, prefix, load):
    _check(prefix, load())


def test_cifar10_reads_keras2_folder_and_transposes(keras_home):
    (xtr, ytr), (xte, yte) = datasets.cifar10.load_data()
    assert xtr.shape == (10, 32, 32, 3) and ytr.shape == (10, 1) and ytr.dtype == np.uint8
    assert xte.shape == (2, 32, 32, 3) and yte.shape == (2, 1)
    with open(keras_home / "datasets" / "cifar-10-batches-py" / "test_batch", "rb") as f:
        raw = pickle.load(f)  # the test's own file, written by synthetic_cache.py
    np.testing.assert_array_equal(xte[1, :, :, 2], raw[b"data"][1, 2048:].reshape(32, 32))
    np.testing.assert_array_equal(yte[:, 0], raw[b"labels"])


def test_missing_file_offline_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(datasets._cache, "ORIGIN", "http://127.0.0.1:9/")
    monkeypatch.setattr(datasets.mnist, "ORIGIN", "http://127.0.0.1:9/")
    with pytest.raises(OSError) as info:
        datasets.mnist.load_data()
    msg = str(info.value)
    assert str(tmp_path / "datasets" / "mnist.npz") in msg and "offline" in msg
    assert not (tmp_path / "datasets" / "mnist.npz").exists()


def test_get_file_downloads_extracts_and_checks_hash(tmp_path):
    src = tmp_path / "src"
    (src / "inner").mkdir(parents=True)
    (src / "inner" / "a.txt").write_text("hello")
    archive = tmp_path / "pack.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src / "inner", "inner")
    cache = tmp_path / "cache"
    path = get_file("pack", origin=archive.as_uri(), extract=True, cache_dir=str(cache))
    assert path == str(cache / "datasets" / "pack")
    assert (cache / "datasets" / "pack" / "inner" / "a.txt").read_text() == "hello"
    assert (cache / "datasets" / "pack_archive").exists()
    plain = get_file(
        "a.txt",
        origin=(src / "inner" / "a.txt").as_uri(),
        cache_dir=str(cache),
        file_hash="5d41402abc4b2a76b9719d911017c592",
    )  # md5("hello")
    assert pathlib.Path(plain).read_text() == "hello"
    with pytest.raises(ValueError, match="hash"):
        get_file(
            "b.txt",
            origin=(src / "inner" / "a.txt").as_uri(),
            cache_dir=str(cache),
            file_hash="0" * 32,
        )
    assert not os.path.exists(cache / "datasets" / "b.txt.part")


def test_pickle_reader_refuses_code_and_reads_arrays(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    for proto in (2, 3, 4, 5):
        with pytest.raises(UnsafePickleError, match="system"):
            loads(pickle.dumps(Evil(), protocol=proto))
        ragged = np.empty(2, dtype=object)
        ragged[0], ragged[1] = [1, 2], [3]
        back = loads(pickle.dumps({b"x": ragged, b"m": np.eye(2, dtype="<f4").T}, proto))
        assert [list(v) for v in back[b"x"]] == [[1, 2], [3]]
        np.testing.assert_array_equal(back[b"m"], np.eye(2))
    path = tmp_path / "bad.npz"
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    np.savez(path, x=evil)
    with pytest.raises(UnsafePickleError):
        load_npz(path)
