"""`python -m minikeras summary FILE`: the Keras summary (parameter counts) of a saved model."""

from __future__ import annotations

from minikeras.cli.loading import KINDS, CLIError, load_any


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "summary",
        help="print the Keras summary of a saved model",
        description="Prints model.summary() for a .json, .h5, .keras, or weights file "
        "(.weights.h5 / .npz / Keras 2 weights .h5, with --config model.json).",
    )
    p.add_argument("file", help="model file")
    p.add_argument("--config", help="JSON architecture for a weights-only FILE")
    p.add_argument("--weights", help="weights to load into a JSON FILE (checks they fit)")
    from minikeras.cli.convert import add_legacy_backend

    add_legacy_backend(p)
    p.add_argument(
        "--input-shape",
        help="input shape without the batch axis, e.g. 28,28,1, "
        "for a JSON architecture that does not record it",
    )
    p.set_defaults(run=run)


def parse_shape(text: str) -> tuple:
    try:
        return tuple(int(d) for d in text.replace("(", "").replace(")", "").split(",") if d.strip())
    except ValueError:
        raise CLIError(
            f"--input-shape must be comma-separated integers such as 28,28,1. Received: {text!r}"
        ) from None


def run(args) -> int:
    model, kind = load_any(
        args.file, config=args.config, weights=args.weights, legacy_backend=args.legacy_backend
    )
    if args.input_shape and not model.built:
        model.build((None, *parse_shape(args.input_shape)))
    if not model.built:
        raise CLIError(
            f"'{args.file}' does not record the model's input shape, so parameter "
            "counts are unknown; pass --input-shape (e.g. --input-shape 784)."
        )
    print(f"# {args.file}: {KINDS[kind]}")
    model.summary()
    return 0
