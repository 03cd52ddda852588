"""`python -m minikeras convert IN OUT`: between Keras 2 .h5, Keras 3 .keras/.weights.h5, .npz."""

from __future__ import annotations

import os

from minikeras.cli.loading import KINDS, CLIError, load_any

TARGETS = {
    ".keras": "keras",
    ".weights.h5": "weights_h5",
    ".npz": "npz",
    ".json": "json",
    ".h5": "h5_model",
    ".hdf5": "h5_model",
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "convert",
        help="convert a saved model between Keras file formats",
        description="Reads IN (any format `summary` reads) and writes OUT in the format its "
        "name asks for: .keras (Keras 3 archive), .h5 (Keras 2 full model, or "
        "Keras 2 weights with --weights-only), .weights.h5 (Keras 3 weights), "
        ".npz (NumPy weights) or .json (architecture).",
    )
    p.add_argument("input", help="model file to read")
    p.add_argument("output", help="file to write; its extension picks the format")
    p.add_argument("--config", help="JSON architecture for a weights-only IN")
    p.add_argument("--weights", help="weights to load into a JSON IN")
    p.add_argument(
        "--weights-only",
        action="store_true",
        help="with an .h5/.hdf5 OUT, write Keras 2 weights instead of a full model",
    )
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument(
        "--keras-version",
        type=int,
        choices=(2, 3),
        default=None,
        help="with a .json OUT: 2 (tf.keras JSON, the default) or 3 (Keras 3 "
        "JSON); .h5 files are Keras 2's format, .keras files Keras 3's",
    )
    add_legacy_backend(p)
    p.set_defaults(run=run)


def target_kind(path: str, weights_only: bool = False) -> str:
    """The format `path`'s name asks for (see `TARGETS`)."""
    lower = path.lower()
    for suffix, kind in TARGETS.items():
        if lower.endswith(suffix):
            if kind == "h5_model" and weights_only:
                return "h5_weights"
            return kind
    raise CLIError(f"Cannot tell the output format from '{path}': use one of {', '.join(TARGETS)}.")


def add_legacy_backend(parser) -> None:
    """`--legacy-backend`, for old files that do not say which backend wrote them."""
    parser.add_argument(
        "--legacy-backend",
        choices=("tensorflow", "theano"),
        default=None,
        help="read the convolution kernels of a Keras 1/2 file that does "
        "not name its backend as this backend's (default: from the file)",
    )


def keras2_only_layers(model) -> dict[str, str]:
    """`{layer name: class name}` of the layers (nested ones too) Keras 3 does not have."""
    from minikeras.legacy.layers import LEGACY_LAYERS

    found, stack = {}, list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        if type(layer).__name__ in LEGACY_LAYERS:
            found[layer.name] = type(layer).__name__
        stack += list(getattr(layer, "layers", []) or [])
        stack += [
            getattr(layer, a)
            for a in ("layer", "forward_layer", "backward_layer")
            if hasattr(layer, a)
        ]
    return found


def write(model, path: str, kind: str, keras_version: int | None = None) -> None:
    """Writes `model` to `path` as `kind` (atomically: the saving API writes a temp file)."""
    if kind == "json":
        from minikeras.saving.saving_api import atomic_write

        text = model.to_json(keras_version=keras_version or 2, indent=2)

        def dump(tmp):
            with open(tmp, "w", encoding="utf8") as f:
                f.write(text)

        atomic_write(path, dump)
    elif kind in ("keras", "h5_model"):
        model.save(path)
    else:
        model.save_weights(path)


def run(args) -> int:
    kind = target_kind(args.output, args.weights_only)
    wanted = {"keras": 3, "weights_h5": 3, "h5_model": 2, "h5_weights": 2}.get(kind)
    if args.keras_version is not None and wanted not in (None, args.keras_version):
        raise CLIError(
            f"'{args.output}' is a Keras {wanted} format ({KINDS[kind]}); "
            f"--keras-version {args.keras_version} applies to .json outputs. Use "
            f"{'.keras' if args.keras_version == 3 else '.h5'} for a Keras "
            f"{args.keras_version} model file."
        )
    if os.path.abspath(args.input) == os.path.abspath(args.output):
        raise CLIError("IN and OUT are the same file; choose another output path.")
    if os.path.exists(args.output) and not args.force:
        raise CLIError(f"'{args.output}' exists; pass --force to overwrite it.")
    model, in_kind = load_any(
        args.input, config=args.config, weights=args.weights, legacy_backend=args.legacy_backend
    )
    if kind != "json" and not model.built:
        raise CLIError(
            f"'{args.input}' does not record the input shape, so it has no weights to write."
        )
    try:
        write(model, args.output, kind, args.keras_version)
    except NotImplementedError as exc:
        raise CLIError(
            f"Writing a {KINDS[kind]} is not available in this minikeras build ({exc})."
        ) from None
    except (OSError, ValueError) as exc:
        raise CLIError(f"Could not write '{args.output}': {exc}") from None
    print(f"Wrote {args.output} ({KINDS[kind]}) from {args.input} ({KINDS[in_kind]}).")
    old = keras2_only_layers(model)
    keras3_target = kind in ("keras", "weights_h5") or (kind == "json" and args.keras_version == 3)
    if not keras3_target:  # tf_keras has LocallyConnected; only Keras 1 had the others
        old = {k: v for k, v in old.items() if not v.startswith("LocallyConnected")}
    if old and kind != "npz":
        lacking = "Keras 3 has" if keras3_target else "Keras 2 and 3 have"
        readers = "Keras 3 will" if keras3_target else "they will"
        print(
            f"Note: {lacking} no {', '.join(sorted(set(old.values())))} layer "
            f"({', '.join(list(old)[:3])}): minikeras reads {args.output}, {readers} not."
        )
    if kind in ("weights_h5", "npz", "h5_weights"):
        print(
            "Weights only: load them into the same architecture (`python -m minikeras "
            "convert IN model.json` writes it)."
        )
    return 0
