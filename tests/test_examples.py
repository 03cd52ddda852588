"""Every example in examples/ runs and reaches what its seed article shows."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import minikeras as keras
from tests.conftest import REPO, subprocess_env

pytestmark = pytest.mark.slow  # each example runs in its own interpreter


def run_example(name: str, *args, cwd, env_extra=None) -> str:
    env = subprocess_env()
    env["KERAS_HOME"] = str(cwd / "keras_home")  # never pick up a user's MNIST file
    env.update(env_extra or {})
    proc = subprocess.run(
        [sys.executable, str(REPO / "examples" / name), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


def floats(pattern: str, text: str) -> list[float]:
    return [float(v) for v in re.findall(pattern, text, re.M)]


def test_gender_sgd_predicts_emily_female_and_frank_male(tmp_path):
    out = run_example("gender_sgd.py", cwd=tmp_path)
    losses = floats(r"^Epoch \d+ loss: (\S+)$", out)
    assert re.findall(r"^Epoch (\d+) loss", out, re.M) == [str(e) for e in range(0, 1000, 10)]
    assert losses[-1] < losses[0] / 10
    emily = floats(r"^Emily \[-7, -3\]: (\S+) - F$", out)
    frank = floats(r"^Frank \[20, 2\]: (\S+) - M$", out)
    assert emily and emily[0] > 0.9  # the article: 0.951
    assert frank and frank[0] < 0.1  # the article: 0.039


def test_book_xor_listing_then_reload_and_continue(tmp_path):
    out = run_example("book_xor.py", "--out-dir", tmp_path / "saved", cwd=tmp_path)
    assert "Total params: 41 (164.00 Byte)" in out
    assert re.search(r"^ activation \(Activation\) +\(None, 10\) +0 +$", out, re.M)
    assert len(re.findall(r"^Epoch \d+/100$", out, re.M)) == 100
    assert (tmp_path / "saved" / "basic_model.json").exists()
    assert (tmp_path / "saved" / "basic_weights.h5").exists()
    assert "reloaded model: max |prediction difference| = 0.0\n" in out
    assert re.search(r"^XOR solved after 100 \+ \d+ epochs$", out, re.M)
    assert "classes:     [0, 1, 1, 0]" in out
    preds = floats(r"(\d\.\d+)", out.split("predictions:")[-1].splitlines()[0])
    assert len(preds) == 4
    assert all(abs(p - t) <= 0.25 for p, t in zip(preds, [0, 1, 1, 0]))  # printed to 3 places
    # The saved pair reloads in this process too (the book's reload step).
    model = keras.models.model_from_json((tmp_path / "saved" / "basic_model.json").read_text())
    model.load_weights(tmp_path / "saved" / "basic_weights.h5")
    assert model.count_params() == 41


def test_mnist_two_layer_gradient_check_and_accuracy(tmp_path):
    out = run_example("mnist_two_layer.py", "--epochs", 4, cwd=tmp_path)
    assert out.startswith("data: synthetic digits (no MNIST file at ")
    errors = dict(re.findall(r"^  (W1|b1|W2|b2): (\S+)$", out, re.M))
    assert sorted(errors) == ["W1", "W2", "b1", "b2"]
    assert all(float(e) < 1e-6 for e in errors.values()), errors
    rows = re.findall(r"^epoch +(\d+) +train acc, test acc \| (\S+), (\S+)$", out, re.M)
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    assert float(rows[-1][2]) >= 0.9 and float(rows[-1][1]) >= 0.9
    assert float(rows[-1][2]) > float(rows[0][2])


def test_mnist_two_layer_reads_the_keras_mnist_file(tmp_path):
    sys.path.insert(0, str(REPO / "examples"))
    try:
        import mnist_two_layer
    finally:
        sys.path.remove(str(REPO / "examples"))
    rng = np.random.default_rng(5)
    (x_train, y_train), (x_test, y_test) = (
        mnist_two_layer.synthetic_digits(800, rng),
        mnist_two_layer.synthetic_digits(200, rng),
    )
    datasets = tmp_path / "keras_home" / "datasets"
    datasets.mkdir(parents=True)
    np.savez(datasets / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    out = run_example("mnist_two_layer.py", "--epochs", 1, cwd=tmp_path)
    assert out.startswith(
        f"data: MNIST from {datasets / 'mnist.npz'}: 800 training and 200 test images\n"
    )


def test_dense_npz_saves_loads_and_predicts_the_same(tmp_path):
    out = run_example("dense_npz.py", "--out-dir", tmp_path, cwd=tmp_path)
    losses = floats(r"^Epoch \d+, Loss: (\S+)$", out)
    assert len(losses) == 30 and losses[-1] < losses[0] / 2
    assert floats(r"^training accuracy: (\S+)$", out)[0] >= 0.9
    assert "loaded model predicts the same: max |difference| = 0.0\n" in out
    with np.load(tmp_path / "model.npz", allow_pickle=False) as archive:
        shapes = sorted(archive[k].shape for k in archive.files)
    assert shapes == sorted([(4, 8), (8,), (8, 1), (1,)])


def test_arithmetic_regression_generalises(tmp_path):
    out = run_example("arithmetic_regression.py", "--epochs", 10, cwd=tmp_path)
    # (2*32 + 32) + (32*32 + 32) + (32*3 + 3) weights; 70 % of 10,000 points.
    assert "trainable parameters: 1251 for 7000 training points (21000 target values)" in out
    losses = floats(r"^epoch +\d+  training loss (\S+)$", out)
    assert losses[-1] < losses[0]
    train, test = map(
        float, re.search(r"^final training loss (\S+), test loss (\S+) ", out, re.M).groups()
    )
    assert test <= 1.2 * train
    rmse = floats(r"(\d+\.\d+)", out.split("test RMSE in original units")[-1])
    assert len(rmse) == 3 and max(rmse) < 2.0  # targets span 0-200
