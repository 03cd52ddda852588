"""The compat contract: the book's XOR listing runs with only its imports changed."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import numpy as np

from tests.conftest import REPO, subprocess_env

SHARED_LISTING_LINES = 37


def _run_listing(tmp_path: pathlib.Path, extra: str = "") -> subprocess.CompletedProcess:
    src = (REPO / "compat" / "book_xor.py").read_text(encoding="utf8")
    script = tmp_path / "book_xor_run.py"
    script.write_text(src + extra, encoding="utf8")
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )


def test_listing_differs_from_the_book_only_in_imports():
    ours = (REPO / "compat" / "book_xor.py").read_text(encoding="utf8").splitlines()
    book_path = REPO / "tests" / "fixtures" / "book_xor_original.py"
    book = book_path.read_text(encoding="utf8").splitlines()
    assert len(ours) == len(book)
    for a, b in zip(ours, book):
        if a != b:
            assert a.replace("minikeras", "keras") == b


def test_book_listing_runs_and_reloads(tmp_path):
    check = """
import numpy as _np
trained = _np.load("trained_pred.npy")
print("RELOADED_DIFF", float(_np.abs(model.predict(x_train, verbose=0) - trained).max()))
"""
    # Capture the trained model's predictions before the listing rebinds `model`.
    src = (REPO / "compat" / "book_xor.py").read_text(encoding="utf8")
    hook = 'model.save_weights("basic_weights.h5")'
    assert hook in src
    patched = src.replace(
        hook,
        hook + '\n__import__("numpy").save("trained_pred.npy", model.predict(x_train, '
        'verbose=0))\n__import__("numpy").save("classes.npy", model.predict_classes(x_train))',
    )
    script = tmp_path / "book.py"
    script.write_text(patched + check, encoding="utf8")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"^ dense \(Dense\) +\(None, 10\) +30 +$", out, re.M)
    assert re.search(r"^ activation \(Activation\) +\(None, 10\) +0 +$", out, re.M)
    assert re.search(r"^ dense_1 \(Dense\) +\(None, 1\) +11 +$", out, re.M)
    assert "Total params: 41 (164.00 Byte)" in out
    epochs = re.findall(r"^Epoch (\d+)/100$", out, re.M)
    assert epochs == [str(i) for i in range(1, 101)]
    bars = re.findall(
        r"^1/1 \[=+\] - \d+m?u?s \d+(?:ms|us|s)/step - loss: \d\.\d{4} - "
        r"accuracy: \d\.\d{4}$",
        out,
        re.M,
    )
    assert len(bars) == 100
    assert "\r" not in out and "\b" not in out
    classes = np.load(tmp_path / "classes.npy")
    assert classes.shape == (4, 1) and classes.dtype == np.int32
    assert set(np.unique(classes)) <= {0, 1}
    assert (tmp_path / "basic_model.json").exists()
    assert (tmp_path / "basic_weights.h5").exists()
    diff = float(re.search(r"RELOADED_DIFF (\S+)", out).group(1))
    assert diff == 0.0
    # Only the two deprecations the book's Keras 2 calls deserve, nothing else.
    assert "DeprecationWarning: The `lr` argument is deprecated" in proc.stderr
    assert "`model.predict_classes()` is deprecated" in proc.stderr
    assert "RuntimeWarning" not in proc.stderr and "Traceback" not in proc.stderr


def test_listing_unchanged_runs(tmp_path):
    proc = _run_listing(tmp_path)
    assert proc.returncode == 0, proc.stderr
