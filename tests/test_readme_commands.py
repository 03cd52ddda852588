"""Every command block of the README, pasted in order into a fresh copy of the checkout with
its own virtual environment, runs without an error (what a newcomer does in their first hour).

The blocks run as written, in one folder, so a block may use the files an earlier block made
(the command line after the Quick start). Only the commands listed in `REWRITES` are changed,
each for the reason given there: installs run offline into the test's environment, and the
commands that run the whole suite or the benchmarks are replaced by a bounded form of the same
command. A README command that needs something else (a download, minutes of work) fails here:
make it runnable, or add it to `REWRITES` with the reason (a block that only illustrates,
needing the reader's own files, is marked `<!-- readme-test: skip (why) -->`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import venv

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

README = (REPO / "README.md").read_text(encoding="utf8")
BLOCK = re.compile(
    r"^(?:<!-- readme-test: skip \((.+?)\) -->\n)?```(bash|python)\n(.*?)^```", re.S | re.M
)

# (pattern, replacement, why). Applied to each command line, first match wins.
REWRITES = [
    (
        re.compile(r"^python3 -m pytest -q$"),
        "python3 -m pytest -q --collect-only",
        "the whole suite is what is running this test; collecting it in the fresh install "
        "checks that the test extra and every test module import",
    ),
    (
        re.compile(r"^(\w+=\S+ )*python3 benchmarks/run\.py .*--keras\b.*"),
        "python3 benchmarks/run.py --help",
        "needs real Keras in its own environment (never a minikeras dependency)",
    ),
    (
        re.compile(r"^(\w+=\S+ )*python3 benchmarks/\w+\.py\b.*"),
        "python3 benchmarks/run.py --help",
        "the benchmarks take minutes; speed is never measured in tests",
    ),
]
RUFF = re.compile(r"^(python3 -m )?ruff (check|format|format --check) \.$")


def _blocks() -> list[tuple[str, str]]:
    """`(language, code)` of every block to run, in order.

    A block that only illustrates and cannot run anywhere offline (it needs the reader's own
    files, or weights Keras downloads) is preceded by `<!-- readme-test: skip (why) -->`;
    `test_skipped_blocks_say_why` lists them.
    """
    return [(m.group(2), m.group(3)) for m in BLOCK.finditer(README) if not m.group(1)]


def test_skipped_blocks_say_why():
    skipped = [(m.group(1), m.group(3)) for m in BLOCK.finditer(README) if m.group(1)]
    for why, code in skipped:
        assert len(why.split()) >= 3, f"say why this block cannot run: {code[:80]!r}"
    # The first-hour path (setup, Quick start, command line) is never skipped.
    assert not any(
        "pip install" in code or "minikeras summary" in code or "Sequential" in code
        for _, code in skipped
    )


def _commands(block: str) -> list[str]:
    lines = []
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _strip_comment(command: str) -> str:
    # `cmd   # what it does`: a comment starts at a '#' after whitespace, outside quotes.
    out, quote = [], None
    for i, ch in enumerate(command):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or command[i - 1].isspace()):
            break
        out.append(ch)
    return "".join(out).strip()


def _build_backend_available() -> bool:
    """setuptools>=64 and wheel here: the checkout installs without fetching build tools."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    major = int(setuptools.__version__.split(".")[0])
    return major >= 71 or (major >= 64 and importlib.util.find_spec("wheel") is not None)


def _rewrite(command: str, state: dict) -> str:
    parts = []
    for part in command.split(" && "):
        part = part.strip()
        install = re.match(r"^python3 -m pip install (-e )?(\S+)$", part)
        if install:
            if state.get("installed"):
                parts.append("true")  # the checkout is installed once; extras are present
                continue
            state["installed"] = True
            flags = (
                "--no-deps --no-index --no-build-isolation"
                if _build_backend_available()
                else "--no-deps"
            )
            parts.append(
                f"python3 -m pip install -q {flags} {install.group(1) or ''}{install.group(2)}"
            )
            continue
        if RUFF.match(part):
            has_ruff = importlib.util.find_spec("ruff") or shutil.which("ruff")
            parts.append(part if has_ruff else "true")
            continue
        for pattern, replacement, _why in REWRITES:
            if pattern.match(part):
                part = replacement
                if part in state.setdefault("rewritten", set()):
                    part = "true"  # the same bounded stand-in ran in an earlier block
                state["rewritten"].add(part)
                break
        parts.append(part)
    return " && ".join(parts)


def _fresh_environment(tmp_path):
    """A virtual environment whose only packages are the test runner's dependencies
    (numpy, h5py, pytest, ... through a .pth file), not minikeras."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    probe = subprocess.run(
        [
            str(bin_dir / "python3"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    site = [p for p in sys.path if p.rstrip(os.sep).endswith("site-packages")]
    with open(probe.stdout.strip() + "/_runner_packages.pth", "w", encoding="utf8") as f:
        f.write("\n".join(site) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(
        PATH=str(bin_dir) + os.pathsep + env.get("PATH", ""),
        VIRTUAL_ENV=str(env_dir),
        KERAS_HOME=str(tmp_path / "keras_home"),
        MPLBACKEND="Agg",
        OPENBLAS_NUM_THREADS="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def _fresh_clone(tmp_path):
    """The checkout's files as a fresh clone has them (tracked and new, not ignored)."""
    dest = tmp_path / "checkout"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode("utf8").split("\0")):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def test_readme_command_blocks_cover_what_a_newcomer_runs():
    blocks = _blocks()
    bash = [c for kind, b in blocks if kind == "bash" for c in _commands(b)]
    assert "python3 -m pip install -e ." in " ".join(bash)
    assert any("compat/book_xor.py" in c for c in bash)
    assert any(c.startswith("python3 -m minikeras summary model.json") for c in bash)
    assert [kind for kind, _ in blocks].index("python") < next(
        i for i, (kind, b) in enumerate(blocks) if "minikeras summary" in b
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the checkout")
def test_every_readme_block_runs_in_order_in_a_fresh_install(tmp_path):
    env = _fresh_environment(tmp_path)
    clone = _fresh_clone(tmp_path)
    state: dict = {}
    for number, (kind, block) in enumerate(_blocks(), start=1):
        if kind == "python":
            script = tmp_path / f"readme_block_{number}.py"
            script.write_text(block, encoding="utf8")
            commands = [f"python3 {script}"]
        else:
            commands = [_rewrite(_strip_comment(c), state) for c in _commands(block)]
        for command in commands:
            proc = subprocess.run(
                ["bash", "-c", "set -eo pipefail; " + command],
                cwd=clone,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert proc.returncode == 0, (
                f"README block {number} ({kind}), command {command!r} failed with status "
                f"{proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
            )
            if command.startswith("python3 -m pip install"):
                where = subprocess.run(
                    ["python3", "-c", "import minikeras; print(minikeras.__file__)"],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                assert where.stdout.startswith(str(clone)), where.stdout  # the fresh copy
    assert state.get("installed"), "no README block installs minikeras"
    assert (clone / "model.keras").is_file() and (clone / "p.csv").is_file()
