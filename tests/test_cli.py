"""`python -m minikeras summary|convert|predict` on real Keras files and on our own."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

import minikeras as keras
from minikeras.cli.main import main
from tests.conftest import FIXTURES, REPO, subprocess_env

CLI = FIXTURES / "cli"
TFK = CLI / "tfk"
K3 = CLI / "k3"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- summary


def test_summary_of_keras2_json_matches_real_keras(capsys):
    code, out, err = run(capsys, "summary", TFK / "model.json")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"# {TFK / 'model.json'}: model architecture (JSON)"
    expected = (TFK / "summary.txt").read_text().splitlines()  # printed by tf_keras 2.21.0
    assert [line.rstrip() for line in lines[1:]] == [line.rstrip() for line in expected]


def test_summary_of_weights_needs_and_uses_the_architecture(capsys):
    code, out, err = run(capsys, "summary", TFK / "w.h5")
    assert code == 1 and out == ""
    assert err.strip() == (
        f"minikeras summary: error: '{TFK / 'w.h5'}' holds only weights "
        "(Keras 2 weights (HDF5)); give the architecture too: "
        "--config model.json"
    )
    code, out, err = run(
        capsys,
        "summary",
        CLI / "k24" / "w_k24layout.h5",
        "--config",
        CLI / "k24" / "model_k24style.json",
    )
    assert code == 0, err
    assert "Keras 2 weights (HDF5)" in out.splitlines()[0]
    assert "Total params: 41 (164.00 Byte)" in out


def test_summary_of_json_without_input_shape(capsys, tmp_path):
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    (tmp_path / "m.json").write_text(model.to_json())
    code, _, err = run(capsys, "summary", tmp_path / "m.json")
    assert code == 1 and "pass --input-shape" in err
    code, out, err = run(capsys, "summary", tmp_path / "m.json", "--input-shape", "4")
    assert code == 0, err
    assert "Total params: 23 " in out  # (4*3 + 3) + (3*2 + 2)


@pytest.mark.parametrize("name, kind", [("full.h5", "tfk"), ("model.keras", "k3")])
def test_summary_of_full_model_files(capsys, name, kind):
    path = CLI / kind / name
    keras.models.load_model(path, compile=False)
    code, out, err = run(capsys, "summary", path)
    assert code == 0, err
    assert "Trainable params: 41 " in out
    assert "dense_1 (Dense)" in out


def test_summary_of_keras3_weights_with_keras3_json(capsys):
    def probe():
        model = keras.models.model_from_json((K3 / "model.json").read_text())
        model.load_weights(K3 / "model.weights.h5")

    probe()
    code, out, err = run(capsys, "summary", K3 / "model.weights.h5", "--config", K3 / "model.json")
    assert code == 0, err
    assert "Keras 3 weights (.weights.h5)" in out.splitlines()[0]
    assert "Trainable params: 41 " in out  # Keras 3.15.1's summary.txt: 41 trainable


# ----------------------------------------------------------------------------- predict


def test_predict_reproduces_real_keras_predictions(capsys, tmp_path):
    io = np.load(TFK / "io.npz")
    np.save(tmp_path / "x.npy", io["x"])
    out_path = tmp_path / "p.npy"
    code, out, err = run(
        capsys,
        "predict",
        TFK / "w.h5",
        "--config",
        TFK / "model.json",
        tmp_path / "x.npy",
        "--output",
        out_path,
    )
    assert code == 0, err
    np.testing.assert_allclose(np.load(out_path), io["y"], atol=1e-5)
    assert out.strip().endswith(f"Wrote 6 predictions to {out_path}.")
    printed = np.array([float(v) for v in out.replace("[", " ").replace("]", " ").split()[:6]])
    np.testing.assert_allclose(printed, io["y"][:, 0], atol=1e-6)


def test_keras2_full_h5_converts_to_a_keras3_archive(capsys, tmp_path):
    keras.models.load_model(TFK / "full.h5", compile=False)
    keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]).save(tmp_path / "probe.keras")
    out = tmp_path / "xor.keras"
    code, text, err = run(capsys, "convert", TFK / "full.h5", out)
    assert code == 0, err
    assert text.startswith(
        f"Wrote {out} (Keras 3 model archive (.keras)) from {TFK / 'full.h5'} (Keras 2 full model"
    )
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert {"config.json", "metadata.json", "model.weights.h5"} <= set(z.namelist())
    io = np.load(TFK / "io.npz")
    np.save(tmp_path / "x.npy", io["x"])
    code, _, err = run(capsys, "predict", out, tmp_path / "x.npy", "--output", tmp_path / "p.npy")
    assert code == 0, err
    np.testing.assert_allclose(np.load(tmp_path / "p.npy"), io["y"], atol=1e-5)


def test_predict_feeds_a_two_input_model_from_one_npz(capsys, tmp_path):
    p6 = CLI / "p6_tfk"  # tf_keras 2.21.0: Input in_a (4) and in_b (3) -> Concatenate -> out
    keras.models.model_from_json((p6 / "model.json").read_text())
    io = np.load(p6 / "io.npz")
    np.savez(tmp_path / "by_name.npz", in_b=io["x1"], in_a=io["x0"])
    np.savez(tmp_path / "in_order.npz", first=io["x0"], second=io["x1"])
    for data in ("by_name.npz", "in_order.npz"):
        code, _, err = run(
            capsys,
            "predict",
            p6 / "w.h5",
            "--config",
            p6 / "model.json",
            tmp_path / data,
            "--output",
            tmp_path / "p.npy",
        )
        assert code == 0, err
        np.testing.assert_allclose(np.load(tmp_path / "p.npy"), io["y"], atol=1e-5)
    np.save(tmp_path / "one.npy", io["x0"])
    code, _, err = run(
        capsys, "predict", p6 / "w.h5", "--config", p6 / "model.json", tmp_path / "one.npy"
    )
    assert code == 1 and "The model has 2 inputs ['in_a', 'in_b']" in err


def test_predict_from_csv_with_header_and_classes(capsys, tmp_path):
    io = np.load(CLI / "k24" / "io.npz")
    csv = tmp_path / "x.csv"
    np.savetxt(csv, io["x"], delimiter=",", header="weight,height", comments="")
    code, out, err = run(
        capsys,
        "predict",
        CLI / "k24" / "model_k24style.json",
        "--weights",
        CLI / "k24" / "w_k24layout.h5",
        "--input",
        csv,
        "--classes",
        "--output",
        tmp_path / "c.csv",
    )
    assert code == 0, err
    expected = (io["y"] > 0.5).astype(int)
    assert np.array_equal(np.loadtxt(tmp_path / "c.csv", ndmin=2), expected)


def test_predict_explains_bad_data(capsys, tmp_path):
    np.save(tmp_path / "x3.npy", np.zeros((4, 3), "float32"))
    code, _, err = run(
        capsys, "predict", TFK / "w.h5", "--config", TFK / "model.json", tmp_path / "x3.npy"
    )
    assert code == 1
    assert "The model expects inputs of shape (None, 2)" in err and "(4, 3)" in err
    np.savez(tmp_path / "two.npz", a=np.zeros((1, 2)), b=np.ones((1, 2)))
    code, _, err = run(capsys, "predict", TFK / "model.json", tmp_path / "two.npz")
    assert code == 1 and "choose one with --key NAME" in err
    code, out, err = run(capsys, "predict", TFK / "model.json", tmp_path / "two.npz", "--key", "b")
    assert code == 0, err
    code, _, err = run(capsys, "predict", TFK / "model.json")
    assert code == 1 and "No input data" in err
    obj = tmp_path / "obj.npy"
    np.save(obj, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    code, _, err = run(capsys, "predict", TFK / "model.json", obj)
    assert code == 1 and "Could not read data file" in err  # never unpickles


# ----------------------------------------------------------------------------- convert


def _predict(path, x, config=None):
    from minikeras.cli.loading import load_any

    model, _ = load_any(str(path), config=None if config is None else str(config))
    return np.asarray(model.predict(x, verbose=0))


def test_convert_keras2_weights_to_json_and_weights(capsys, tmp_path):
    io = np.load(TFK / "io.npz")
    code, out, err = run(
        capsys, "convert", TFK / "model.json", tmp_path / "arch.json", "--weights", TFK / "w.h5"
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "convert",
        CLI / "k24" / "w_k24layout.h5",
        tmp_path / "w.h5",
        "--config",
        CLI / "k24" / "model_k24style.json",
        "--weights-only",
    )
    assert code == 0, err
    assert out.startswith(f"Wrote {tmp_path / 'w.h5'} (Keras 2 weights (HDF5))")
    got = _predict(tmp_path / "w.h5", io["x"], config=tmp_path / "arch.json")
    np.testing.assert_allclose(got, io["y"], atol=1e-5)


def test_convert_refuses_to_clobber(capsys, tmp_path):
    target = tmp_path / "arch.json"
    target.write_text("keep me")
    code, _, err = run(capsys, "convert", TFK / "model.json", target)
    assert code == 1 and "pass --force" in err
    assert target.read_text() == "keep me"
    code, _, err = run(capsys, "convert", TFK / "model.json", target, "--force")
    assert code == 0, err
    assert keras.models.model_from_json(target.read_text()).count_params() == 41
    code, _, err = run(capsys, "convert", target, target, "--force")
    assert code == 1 and "same file" in err
    code, _, err = run(capsys, "convert", TFK / "model.json", tmp_path / "out.pt")
    assert code == 1 and "Cannot tell the output format" in err


@pytest.mark.parametrize("out_name", ["m.keras", "m.h5", "m.weights.h5", "m.npz"])
def test_convert_between_formats_keeps_predictions(capsys, tmp_path, out_name):
    io = np.load(TFK / "io.npz")
    model = keras.models.model_from_json((TFK / "model.json").read_text())
    model.load_weights(TFK / "w.h5")
    probe = tmp_path / ("probe_" + out_name)
    if out_name.endswith((".weights.h5", ".npz")):

        def write_and_read():
            model.save_weights(probe)
            twin = keras.models.model_from_json(model.to_json())
            twin.load_weights(probe)
            from minikeras.cli.loading import file_kind

            assert file_kind(str(probe)) == ("npz" if out_name.endswith(".npz") else "weights_h5")
    else:

        def write_and_read():
            model.save(probe)
            keras.models.load_model(probe, compile=False)

    write_and_read()
    out = tmp_path / out_name
    code, _, err = run(capsys, "convert", TFK / "w.h5", out, "--config", TFK / "model.json")
    assert code == 0, err
    config = None if out_name in ("m.keras", "m.h5") else TFK / "model.json"
    np.testing.assert_allclose(_predict(out, io["x"], config=config), io["y"], atol=1e-5)


# ----------------------------------------------------------------------------- errors


def test_unreadable_files_give_one_line_errors(capsys, tmp_path):
    (tmp_path / "garbage.h5").write_bytes(b"not a model at all")
    truncated = tmp_path / "trunc.h5"
    truncated.write_bytes((TFK / "w.h5").read_bytes()[:2000])
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.zip").write_bytes(b"PK\x03\x04broken")
    shutil.copy(TFK / "model.json", tmp_path / "m.json")
    cases = {
        tmp_path / "missing.h5": "No such file",
        tmp_path / "garbage.h5": "is not a model file minikeras can read",
        truncated: "is not a readable HDF5 file",
        tmp_path / "bad.json": "is not valid JSON",
        tmp_path / "other.zip": "is not a readable zip archive",
        tmp_path: "is a directory",
    }
    for path, message in cases.items():
        code, out, err = run(capsys, "summary", path, "--config", tmp_path / "m.json")
        assert code == 1, path
        assert message in err and len(err.strip().splitlines()) == 1, err
    code, _, err = run(capsys, "summary", TFK / "w.h5", "--config", K3 / "model.weights.h5")
    assert code == 1 and "is not a JSON architecture file" in err


def test_weights_that_do_not_fit_name_the_problem(capsys, tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    (tmp_path / "m.json").write_text(model.to_json())
    code, _, err = run(capsys, "summary", TFK / "w.h5", "--config", tmp_path / "m.json")
    assert code == 1
    assert err.startswith("minikeras summary: error: Could not load")
    assert "(2, 3)" in err and "(2, 10)" in err


def test_a_script_argument_goes_to_the_runner(capsys, monkeypatch, tmp_path):
    from minikeras.cli import run_script

    calls = []
    monkeypatch.setattr(
        run_script, "main", lambda argv, run_check=True: calls.append((argv, run_check)) or 7
    )
    assert run(capsys, tmp_path / "train.py", "--epochs", "2")[0] == 7
    assert run(capsys, "--no-check", tmp_path / "t.py")[0] == 7
    assert calls == [
        ([str(tmp_path / "train.py"), "--epochs", "2"], True),
        ([str(tmp_path / "t.py")], False),
    ]


def test_module_entry_point_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "minikeras", "summary", str(TFK / "model.json")],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Total params: 41 (164.00 Byte)" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "minikeras", "summary", "nope.h5"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == "minikeras summary: error: No such file: 'nope.h5'\n"
