"""The README's commands and quick start stay true."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO, subprocess_env

README = (REPO / "README.md").read_text(encoding="utf8")


def test_the_two_setup_commands_open_the_readme():
    # CI and newcomers rely on these two lines exactly.
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).splitlines()
    assert first_block == [
        "# 1. Install, run the book's XOR listing (the main job), then get a verdict on its "
        "result:",
        "python3 -m pip install -e . && python3 compat/book_xor.py && python3 "
        "examples/book_xor.py --after-listing",
        "# 2. Install and run all tests, lint and format check included (what CI runs):",
        'python3 -m pip install -e ".[test]" && python3 -m ruff check . && '
        "python3 -m ruff format --check . && python3 -m pytest -q",
    ]
    # CI runs exactly the second command.
    ci = (REPO / ".ci" / "run").read_text(encoding="utf8").splitlines()
    assert ci[-1] == first_block[3]


def test_quick_start_runs_and_learns(tmp_path):
    code = re.search(r"## Quick start\n\n```python\n(.*?)```", README, re.S).group(1)
    assert len(code.strip().splitlines()) <= 26
    # It runs with the runtime install only: matplotlib made unimportable.
    assert "plot" not in code
    code = "import sys\nsys.modules['matplotlib'] = None\n" + code
    code += "\nassert history.history['val_accuracy'][-1] > 0.85, history.history\n"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Total params: 97 (388.00 Byte)" in proc.stdout  # (4*16 + 16) + (16 + 1)
    for name in ("model.json", "weights.h5", "model.h5", "x.npy"):  # the command line's input
        assert (tmp_path / name).exists(), name


def test_every_example_in_the_table_exists():
    names = re.findall(r"^\| `(\w+\.py)` \|", README, re.M)
    assert len(names) == 5
    for name in names:
        assert (REPO / "examples" / name).is_file(), name
