"""Command-line entry points: the `python -m minikeras script.py` runner and subcommands."""
