"""`python -m minikeras`: run a Keras script on minikeras, or a subcommand.

    python -m minikeras path/to/script.py [script args]   # `keras` → minikeras
    python -m minikeras <subcommand> [args]               # see SUBCOMMANDS
"""

from __future__ import annotations

import importlib
import os
import sys

# Subcommand name → "module:function"; the function takes the remaining argv list and
# returns an exit code. Other parts of minikeras register theirs here.
SUBCOMMANDS: dict[str, str] = {}

USAGE = """usage: python -m minikeras SCRIPT.py [ARGS...]
       python -m minikeras SUBCOMMAND [ARGS...]

Runs an unmodified Keras script with `keras`, `tf.keras` and `tf_keras` resolved to minikeras.
"""


def main(argv: list[str] | None = None) -> int:
    """Dispatches to the script runner or a subcommand; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        extra = f"Subcommands: {', '.join(sorted(SUBCOMMANDS))}\n" if SUBCOMMANDS else ""
        print(USAGE + extra, end="")
        return 0 if argv else 2
    first = argv[0]
    if first in SUBCOMMANDS:
        module_name, _, func = SUBCOMMANDS[first].partition(":")
        return int(getattr(importlib.import_module(module_name), func)(argv[1:]) or 0)
    if first.endswith(".py") or os.path.isfile(first):
        from minikeras.cli.run_script import run_script

        if not os.path.isfile(first):
            print(f"minikeras: can't open file {first!r}: no such file", file=sys.stderr)
            return 2
        return run_script(first, argv[1:])
    known = ", ".join(sorted(SUBCOMMANDS)) or "none yet"
    print(f"minikeras: unknown command {first!r}. Give a script path ending in .py or a "
          f"subcommand (available: {known}).\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
