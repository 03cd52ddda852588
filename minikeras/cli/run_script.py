"""`python -m minikeras script.py [args]`: runs an unmodified Keras script on minikeras."""

from __future__ import annotations

import os
import runpy
import sys

from minikeras.cli import keras_alias

SEED_VARIABLE = "MINIKERAS_SEED"


def _seed_from_environment() -> None:
    """`MINIKERAS_SEED=n` seeds Python, NumPy and minikeras before the script runs."""
    value = os.environ.get(SEED_VARIABLE)
    if value is None or value == "":
        return
    try:
        seed = int(value)
    except ValueError:
        raise ValueError(
            f"{SEED_VARIABLE} must be an integer, received {value!r}. Unset it or give a "
            "whole number such as MINIKERAS_SEED=1234.") from None
    from minikeras.utils import set_random_seed

    set_random_seed(seed)


def run_script(path: str, args: list[str] | None = None) -> int:
    """Runs the script at `path` as `__main__` with `keras` resolved to minikeras.

    With the environment variable `MINIKERAS_SEED` set to an integer, Python's, NumPy's
    and minikeras's random generators are seeded first, so an unseeded tutorial gives the
    same result on every run.

    Args:
        path: Path of a Python script.
        args: Its command-line arguments (`sys.argv[1:]` inside the script).

    Returns:
        0 when the script finishes (a `SystemExit` from it propagates).

    Raises:
        FileNotFoundError: if `path` does not exist.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such script: {path!r}")
    keras_alias.install()
    _seed_from_environment()
    script_dir = os.path.dirname(os.path.abspath(path))
    old_argv, old_path0 = sys.argv, sys.path[0] if sys.path else None
    sys.argv = [path, *(args or [])]
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv = old_argv
        if old_path0 is not None:
            sys.path[0] = old_path0
    return 0


def main(argv: list[str]) -> int:
    """`python -m minikeras SCRIPT.py [ARGS...]` (called by `minikeras.cli.main`).

    Returns:
        The exit status: 0 when the script finishes, 2 when it does not exist
        (a `SystemExit` raised by the script propagates unchanged).
    """
    if not argv or not os.path.isfile(argv[0]):
        name = argv[0] if argv else ""
        print(f"minikeras: can't open file {name!r}: [Errno 2] No such file or directory",
              file=sys.stderr)
        return 2
    return run_script(argv[0], argv[1:])
