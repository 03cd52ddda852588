"""`python -m minikeras script.py [args]`: runs an unmodified Keras script on minikeras."""

from __future__ import annotations

import os
import runpy
import sys
import sysconfig
import traceback

from minikeras.cli import keras_alias

SEED_VARIABLE = "MINIKERAS_SEED"
TRACEBACK_VARIABLE = "MINIKERAS_TRACEBACK"
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
            "whole number such as MINIKERAS_SEED=1234."
        ) from None
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


def _library_dirs() -> tuple[str, ...]:
    """Folders whose frames are not the user's: minikeras, the standard library, site-packages."""
    dirs = {_PACKAGE_DIR}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.abspath(path))
    return tuple(d + os.sep for d in dirs)


def _user_frames(stack: traceback.StackSummary) -> traceback.StackSummary:
    library = _library_dirs()
    return traceback.StackSummary.from_list(
        [
            frame
            for frame in stack
            if not frame.filename.startswith("<")
            and not os.path.abspath(frame.filename).startswith(library)
        ]
    )


def format_user_traceback(exc: BaseException) -> str:
    """The traceback of `exc` with only the user's own frames, as Keras filters its traces.

    Frames inside minikeras, the standard library and installed packages are hidden; an
    exception chained inside minikeras (one whose own frames are all hidden) is dropped,
    so a minikeras error reads as the line of the user's script plus one message.
    """
    chain = []
    te: traceback.TracebackException | None = traceback.TracebackException.from_exception(exc)
    while te is not None:
        chain.append(te)
        te = te.__cause__ or (None if te.__suppress_context__ else te.__context__)
    parts = []
    for i, te in enumerate(reversed(chain)):
        frames = _user_frames(te.stack)
        last = i == len(chain) - 1
        if not frames and not last:
            continue
        if parts:
            parts.append("\nThe above exception led to the following one:\n\n")
        te.stack = frames
        te.__cause__ = te.__context__ = None
        lines = list(te.format())
        if lines and lines[0].startswith("Traceback"):
            lines[0] = (
                "Traceback (most recent call last; frames inside minikeras and "
                f"libraries hidden, {TRACEBACK_VARIABLE}=full shows them):\n"
            )
        parts += lines
    return "".join(parts)


def main(argv: list[str], run_check: bool = True) -> int:
    """`python -m minikeras [--no-check] SCRIPT.py [ARGS...]` (called by `minikeras.cli.main`).

    Before running, the script is checked (`python -m minikeras check`) and one short
    warning block lists the Keras names it uses that minikeras lacks. An uncaught
    exception in the script prints a traceback of the script's own frames (all of them
    with `MINIKERAS_TRACEBACK=full`).

    Returns:
        The exit status: 0 when the script finishes, 1 when it raised, 2 when it does not
        exist (a `SystemExit` raised by the script propagates unchanged).
    """
    if not argv or not os.path.isfile(argv[0]):
        name = argv[0] if argv else ""
        print(
            f"minikeras: can't open file {name!r}: [Errno 2] No such file or directory",
            file=sys.stderr,
        )
        return 2
    if run_check:
        from minikeras.cli.check import warning_block

        block = warning_block(argv[0])
        if block:
            print(block, file=sys.stderr, flush=True)
    if os.environ.get(TRACEBACK_VARIABLE, "").lower() == "full":
        return run_script(argv[0], argv[1:])
    try:
        return run_script(argv[0], argv[1:])
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - reported like Python would, shorter
        sys.stdout.flush()
        print(format_user_traceback(exc), end="", file=sys.stderr)
        return 1
