"""Loading is safe and failures are clear; saving is atomic."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from minikeras import layers, models
from minikeras.saving import keras3_weights, keras_archive, legacy_h5_weights, npz_weights

FILES = Path(__file__).parent / "fixtures" / "keras_files"
P1 = FILES / "p1_xor"


def small():
    model = models.Sequential([layers.Dense(3, input_dim=2), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def one_line(exc_info) -> str:
    msg = str(exc_info.value)
    assert "\n" not in msg, msg
    return msg


# ------------------------------------------------------------------ atomic saving

WRITERS = [
    ("m.keras", "save", keras_archive, "write_archive"),
    ("m.h5", "save", legacy_h5_weights, "save_weights_to_hdf5_group"),
    ("w.weights.h5", "save_weights", keras3_weights, "save_weights_to_h5"),
    ("w.h5", "save_weights", legacy_h5_weights, "save_weights_to_hdf5_group"),
    ("w.npz", "save_weights", npz_weights, "save_npz"),
]


@pytest.mark.parametrize("fname,method,module,func", WRITERS)
def test_crash_mid_save_keeps_previous_file(fname, method, module, func, tmp_path, monkeypatch):
    model = small()
    target = tmp_path / fname
    getattr(model, method)(target)
    before = target.read_bytes()
    real = getattr(module, func)

    def half_then_crash(*args, **kwargs):
        try:
            real(*args, **kwargs)  # write everything into the temporary file ...
        finally:
            raise KeyboardInterrupt("simulated crash while writing")  # ... then die

    monkeypatch.setattr(module, func, half_then_crash)
    model.layers[0].kernel.assign(np.full((2, 3), 7.0, np.float32))
    with pytest.raises(KeyboardInterrupt):
        getattr(model, method)(target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == [fname]  # no temporary file left behind


# ------------------------------------------------------------------ no code execution

K2_LAMBDA = {
    "class_name": "Sequential",
    "config": {
        "name": "s",
        "layers": [
            {
                "class_name": "InputLayer",
                "config": {"batch_input_shape": [None, 2], "dtype": "float32", "name": "i"},
            },
            {
                "class_name": "Lambda",
                "config": {
                    "name": "evil",
                    "trainable": True,
                    "dtype": "float32",
                    "function": [
                        "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMEAAAAfABTACkBTqkAKQHaAXhyAQAAAHIBAAAA",
                        None,
                        None,
                    ],
                    "function_type": "lambda",
                    "module": "__main__",
                    "output_shape": None,
                    "output_shape_type": "raw",
                    "arguments": {},
                },
            },
        ],
    },
}
K3_LAMBDA_LAYER = {
    "module": "keras.layers",
    "class_name": "Lambda",
    "registered_name": None,
    "config": {
        "name": "evil3",
        "trainable": True,
        "dtype": "float32",
        "arguments": {},
        "function": {
            "class_name": "__lambda__",
            "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None},
        },
    },
}


def test_keras2_lambda_bytecode_refused():
    with pytest.raises(ValueError, match="Refusing to load Lambda layer 'evil'") as info:
        models.model_from_json(json.dumps(K2_LAMBDA))
    assert "never executes code" in one_line(info)


def test_keras2_lambda_refused_even_with_custom_objects():
    class Lambda(layers.Layer):
        def __init__(self, function=None, **kwargs):
            raise AssertionError("the class must not even be instantiated")

    with pytest.raises(ValueError, match="Refusing to load Lambda layer 'evil'"):
        models.model_from_json(json.dumps(K2_LAMBDA), custom_objects={"Lambda": Lambda})


def test_keras3_lambda_in_archive_refused(tmp_path):
    with zipfile.ZipFile(P1 / "k3" / "model.keras") as zf:
        config = json.loads(zf.read("config.json"))
        weights = zf.read("model.weights.h5")
    config["config"]["layers"].insert(1, K3_LAMBDA_LAYER)
    path = tmp_path / "lambda.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", weights)
    with pytest.raises(ValueError, match="lambda.keras.*Lambda layer 'evil3'") as info:
        models.load_model(path)
    one_line(info)


def test_unknown_class_named(tmp_path):
    text = (P1 / "tfk" / "model.json").read_text().replace('"Activation"', '"Frobnicate"')
    with pytest.raises(ValueError, match="Unknown layer: 'Frobnicate'"):
        models.model_from_json(text)
    path = tmp_path / "full.h5"
    shutil.copy(P1 / "tfk" / "full.h5", path)
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = f.attrs["model_config"].replace('"Dense"', '"EvilDense"')
    with pytest.raises(ValueError, match="full.h5.*Unknown layer: 'EvilDense'"):
        models.load_model(path)


# ------------------------------------------------------------------ archive member names


@pytest.mark.parametrize(
    "bad", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt", "dir\\..\\evil.txt"]
)
def test_archive_unsafe_member_names_refused(bad, tmp_path):
    path = tmp_path / "bad.keras"
    shutil.copy(P1 / "k3" / "model.keras", path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(bad, "x")
    with pytest.raises(ValueError, match="unsafe name") as info:
        models.load_model(path)
    one_line(info)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_archive_symlink_member_refused(tmp_path):
    path = tmp_path / "link.keras"
    shutil.copy(P1 / "k3" / "model.keras", path)
    info = zipfile.ZipInfo("assets/link")
    info.external_attr = 0o120777 << 16
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ValueError, match="symbolic link"):
        models.load_model(path)


def test_archive_missing_member(tmp_path):
    path = tmp_path / "empty.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match="missing 'config.json'"):
        models.load_model(path)


# ------------------------------------------------------------------ corrupt files


@pytest.mark.parametrize("src", ["tfk/full.h5", "k3/model.keras", "k3/k3_full.h5"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated_model_file(src, keep, tmp_path):
    data = (P1 / src).read_bytes()
    path = tmp_path / Path(src).name
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises((ValueError, OSError)) as info:
        models.load_model(path)
    assert path.name in one_line(info)


@pytest.mark.parametrize("src", ["tfk/w.h5", "k3/model.weights.h5"])
def test_truncated_weights_file(src, tmp_path):
    data = (P1 / src).read_bytes()
    path = tmp_path / Path(src).name
    path.write_bytes(data[: len(data) // 2])
    model = models.model_from_json((P1 / "tfk" / "model.json").read_text())
    with pytest.raises((ValueError, OSError)) as info:
        model.load_weights(path)
    assert path.name in one_line(info)


def test_not_a_model_file(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("just some text\n")
    with pytest.raises(ValueError, match="notes.h5") as info:
        models.load_model(path)
    one_line(info)
    with pytest.raises(ValueError, match="notes.h5"):
        small().load_weights(path)


def test_weights_file_given_to_load_model(tmp_path):
    with pytest.raises(ValueError, match="weights-only file.*load_weights"):
        models.load_model(P1 / "tfk" / "w.h5")


def test_missing_attribute(tmp_path):
    path = tmp_path / "w.h5"
    shutil.copy(P1 / "tfk" / "w.h5", path)
    with h5py.File(path, "r+") as f:
        del f["dense"].attrs["weight_names"]
        f["dense"].attrs["weight_names"] = ["dense/nothere:0"]
    model = models.model_from_json((P1 / "tfk" / "model.json").read_text())
    with pytest.raises(ValueError, match="w.h5.*'dense/nothere:0'"):
        model.load_weights(path)


# ------------------------------------------------------------------ wrong architecture


def wrong_model():
    return models.Sequential(
        [
            layers.Dense(7, input_dim=2),
            layers.Activation("tanh"),
            layers.Dense(1),
            layers.Activation("sigmoid"),
        ]
    )


@pytest.mark.parametrize(
    "src", ["tfk/w.h5", "tfk/full.h5", "k3/model.weights.h5", "k3/model.keras"]
)
def test_wrong_architecture_names_layer_and_shapes(src):
    with pytest.raises(ValueError) as info:
        wrong_model().load_weights(P1 / src)
    msg = one_line(info)
    assert "'dense" in msg and "(2, 7)" in msg and "(2, 10)" in msg


def test_wrong_layer_count():
    model = models.Sequential([layers.Dense(10, input_dim=2), layers.Dense(1), layers.Dense(1)])
    with pytest.raises(ValueError, match="Layer count mismatch.*3 layers with weights"):
        model.load_weights(P1 / "tfk" / "w.h5")


def test_npz_wrong_shapes(tmp_path):
    small().save_weights(tmp_path / "w.npz")
    other = models.Sequential([layers.Dense(4, input_dim=2), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"Shape mismatch for weight 'dense_\d+/kernel'"):
        other.load_weights(tmp_path / "w.npz")


def test_npz_plain_savez_order(tmp_path):
    src = small()
    np.savez(tmp_path / "plain.npz", *src.get_weights())
    dst = small()
    dst.load_weights(tmp_path / "plain.npz")
    for a, b in zip(src.get_weights(), dst.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_npz_refuses_pickled_objects(tmp_path):
    path = tmp_path / "obj.npz"
    obj = np.empty((2, 3), dtype=object)
    np.savez(path, obj, np.zeros(3), np.zeros((3, 1)), np.zeros(1))
    with pytest.raises(ValueError, match="obj.npz.*allow_pickle=False"):
        small().load_weights(path)


def test_file_that_hangs_the_hdf5_library(tmp_path):
    """A byte-flipped file on which h5py never returns: a one-line error instead."""
    import time

    path = FILES / "corrupt" / "hangs_hdf5_k3_full.h5"
    start = time.monotonic()
    with pytest.raises(ValueError, match="hangs_hdf5_k3_full.h5.*looks corrupt") as info:
        models.load_model(path)
    one_line(info)
    assert time.monotonic() - start < 30
    with pytest.raises(ValueError, match="looks corrupt"):
        small().load_weights(path)


def test_zip_bomb_refused_without_inflating(tmp_path):
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(P1 / "k3" / "model.keras") as zf:
        weights = zf.read("model.weights.h5")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", b" " * (20 * 2**20))  # 20 MB of spaces, ~20 KB zipped
        zf.writestr("model.weights.h5", weights)
    with pytest.raises(ValueError, match="zip bomb") as info:
        models.load_model(path)
    one_line(info)


def test_deeply_nested_json_is_a_value_error():
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError):
        models.model_from_json(text)
    head = '{"class_name": "Sequential", "config": {"name": "s", "layers": ['
    text = head * 3000 + "]}}" * 3000  # valid JSON, 3000 nested models
    with pytest.raises(ValueError):
        models.model_from_json(text)


def test_hang_confirmed_in_fresh_interpreter_when_threads_run(tmp_path):
    """With other threads alive, a stalled fork child is re-checked in a new interpreter,
    so a lock inherited through fork cannot turn a valid file into a false alarm."""
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        with pytest.raises(ValueError, match="looks corrupt"):
            models.load_model(FILES / "corrupt" / "hangs_hdf5_k3_full.h5")
        model = models.load_model(P1 / "k3" / "model.keras")  # valid files still load
        assert model.compiled
    finally:
        stop.set()
        worker.join()


def test_config_asking_for_absurd_weights_is_a_value_error():
    cfg = json.loads((P1 / "tfk" / "model.json").read_text())
    cfg["config"]["layers"][1]["config"]["units"] = 10**12
    with pytest.raises(ValueError, match="too large to allocate|more than this machine") as info:
        models.model_from_json(json.dumps(cfg))
    one_line(info)


def test_saved_files_get_the_usual_permissions(tmp_path):
    """Atomic saves go through a private temp file, but the result is mode 0o666 & ~umask."""
    import os

    import minikeras

    model = minikeras.Sequential([minikeras.layers.Input((2,)), minikeras.layers.Dense(1)])
    umask = os.umask(0o022)
    try:
        model.save_weights(tmp_path / "w.weights.h5")
        model.save(tmp_path / "m.keras")
    finally:
        os.umask(umask)
    assert (tmp_path / "w.weights.h5").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "m.keras").stat().st_mode & 0o777 == 0o644


def test_preflight_runs_the_parents_work_while_the_child_walks(forks):
    """The parent's own work (importing h5py on a first load) overlaps the child's walk:
    it runs once, after the fork and before the parent waits; a hang is still caught
    after it, and if it fails the child is killed and reaped, not left behind."""
    import time

    from minikeras.saving import h5_preflight

    forked = forks
    calls = []

    def meanwhile():
        calls.append(len(forked))
        time.sleep(0.2)

    valid = str(P1 / "k3" / "model.weights.h5")
    assert h5_preflight._forked_walk(lambda: h5py.File(valid, "r"), meanwhile) is None
    assert calls == [1]  # once, after the fork
    hang = str(FILES / "corrupt" / "hangs_hdf5_k3_full.h5")
    problem = h5_preflight._forked_walk(lambda: h5py.File(hang, "r"), meanwhile)
    assert problem is not None and "stopped making progress" in problem[1]

    def failing():
        raise ImportError("no h5py")

    with pytest.raises(ImportError, match="no h5py"):
        h5_preflight._forked_walk(lambda: h5py.File(hang, "r"), failing)
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[-1], os.WNOHANG)  # already reaped by the preflight
