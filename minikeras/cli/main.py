"""The `python -m minikeras` / `minikeras` command: subcommands, or run a Keras script."""

from __future__ import annotations

import argparse
import importlib.util
import sys

from minikeras.cli import convert, predict, summary
from minikeras.cli.loading import CLIError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m minikeras",
        description="Tools for saved Keras models, on pure NumPy. `python -m minikeras "
                    "script.py [args]` runs an unmodified Keras script with minikeras.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    summary.add_parser(sub)
    convert.add_parser(sub)
    predict.add_parser(sub)
    return parser


def _run_script(argv: list[str]) -> int:
    if importlib.util.find_spec("minikeras.cli.run_script") is None:
        print(f"minikeras: cannot run '{argv[0]}': the script runner (minikeras.cli.run_script) "
              "is not part of this build.", file=sys.stderr)
        return 2
    from minikeras.cli import run_script  # type: ignore[attr-defined]

    return run_script.main(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point. Returns the exit status (0 ok, 1 error, 2 usage error).

    Args:
        argv: Arguments without the program name (default `sys.argv[1:]`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].endswith(".py"):
        return _run_script(argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if (getattr(args, "command", None) == "predict" and args.data is None and len(extra) == 1
            and not extra[0].startswith("-")):
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
        print(f"minikeras {args.command}: error: {type(exc).__name__}: {first}",
              file=sys.stderr)
        return 1
