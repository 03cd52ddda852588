"""`python -m minikeras`: see `minikeras.cli.main`."""

from minikeras.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
