"""The `python -m minikeras` / `minikeras` command: subcommands, or run a Keras script."""

from __future__ import annotations

import argparse
import os
import sys

from minikeras.cli import check, convert, predict, summary
from minikeras.cli.loading import CLIError


def program_name() -> str:
    """How the user started us: `minikeras` (the installed script) or `python -m minikeras`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if name.lower() in ("minikeras", "minikeras.exe", "minikeras-script.py"):
        return "minikeras"
    return "python -m minikeras"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every subcommand, named after `prog`."""
    from minikeras import __version__

    prog = prog or program_name()
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"Tools for saved Keras models, on pure NumPy. `{prog} script.py [args]` "
        "runs an unmodified Keras script with minikeras (after checking which "
        f"Keras names it uses; `{prog} --no-check script.py` skips the check).",
    )
    parser.add_argument("--version", action="version", version=f"minikeras {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    summary.add_parser(sub)
    convert.add_parser(sub)
    predict.add_parser(sub)
    check.add_parser(sub)
    return parser


def _run_script(argv: list[str], run_check: bool) -> int:
    from minikeras.cli import run_script

    return run_script.main(argv, run_check=run_check)


def main(argv: list[str] | None = None) -> int:
    """Entry point. Returns the exit status (0 ok, 1 error, 2 usage error).

    Args:
        argv: Arguments without the program name (default `sys.argv[1:]`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    run_check = True
    if argv and argv[0] == "--no-check":
        run_check = False
        argv = argv[1:]
    if argv and argv[0].endswith(".py"):
        return _run_script(argv, run_check)
    parser = build_parser()
    if not run_check:
        parser.error("--no-check goes before a script: --no-check script.py [args]")
    args, extra = parser.parse_known_args(argv)
    if (
        getattr(args, "command", None) == "predict"
        and args.data is None
        and len(extra) == 1
        and not extra[0].startswith("-")
    ):
        args.data = extra[0]  # DATA given after options: `predict m.json --config c x.npy`
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except CLIError as exc:
        print(f"minikeras {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"minikeras {args.command}: error: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
