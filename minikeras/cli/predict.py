"""`python -m minikeras predict FILE DATA`: predictions of a saved model on .npy/.csv data."""

from __future__ import annotations

import argparse
import os

import numpy as np

from minikeras.cli.loading import CLIError, load_any


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "predict",
        help="print a saved model's predictions on .npy/.npz/.csv data",
        description="Loads FILE (as `summary` does) and prints model.predict(DATA).",
    )
    p.add_argument("file", help="model file")
    p.add_argument(
        "data",
        nargs="?",
        help="input data: .npy, .npz (first array or --key), "
        ".csv/.txt (comma-separated, optional header row)",
    )
    p.add_argument("--input", dest="input_path", help="same as DATA")
    p.add_argument("--key", help="array name inside a .npz DATA")
    p.add_argument("--output", help="also write the predictions to .npy or .csv")
    p.add_argument("--config", help="JSON architecture for a weights-only FILE")
    p.add_argument("--weights", help="weights to load into a JSON FILE")
    from minikeras.cli.convert import add_legacy_backend

    add_legacy_backend(p)
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=32,
        help="samples per batch (a positive integer, default 32)",
    )
    p.add_argument(
        "--classes",
        action="store_true",
        help="print one class index per sample, one per line (argmax over the "
        "outputs, or output > 0.5 for a single output) instead",
    )
    p.set_defaults(run=run)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}")
    return value


def read_data(path: str, key: str | None = None, input_names=()):
    """Loads model inputs from .npy, .npz or .csv/.txt, never unpickling.

    A `.npz` holding several arrays feeds a model with several inputs: by input name
    when the array names match them, else in stored order.

    Raises:
        CLIError: for a missing, unreadable or non-numeric file.
    """
    if not os.path.exists(path):
        raise CLIError(f"No such data file: '{path}'")
    lower = path.lower()
    try:
        if lower.endswith(".npy"):
            return np.load(path, allow_pickle=False)
        if lower.endswith(".npz"):
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                if key is None and len(input_names) > 1 and len(names) >= len(input_names):
                    if set(input_names) <= set(names):
                        return {n: z[n] for n in input_names}
                    if len(names) == len(input_names):
                        return [z[n] for n in names]
                if key is None and len(names) != 1:
                    raise CLIError(
                        f"'{path}' holds several arrays {names}; choose one with --key NAME."
                    )
                name = key or names[0]
                if name not in names:
                    raise CLIError(f"No array '{name}' in '{path}'; it holds {names}.")
                return z[name]
        if lower.endswith((".csv", ".txt")):
            return _read_csv(path)
    except (ValueError, OSError) as exc:
        raise CLIError(f"Could not read data file '{path}': {exc}") from None
    except MemoryError:
        raise CLIError(
            f"Could not read data file '{path}': it declares an array larger than "
            "the memory available."
        ) from None
    raise CLIError(f"Unknown data format for '{path}': use .npy, .npz, .csv or .txt.")


def _read_csv(path: str) -> np.ndarray:
    """Comma- (or whitespace-) separated numbers; a first row that is not numeric is a header.

    Errors name the line and column as a text editor counts them (both from 1).
    """
    with open(path, encoding="utf8") as f:
        lines = f.read().splitlines()
    numbered = [(i, line) for i, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise CLIError(f"'{path}' holds no data rows.")
    delimiter = "," if "," in numbered[0][1] else None

    def fields(line: str) -> list[str]:
        return [v.strip() for v in line.split(delimiter)]

    def numeric(values: list[str]) -> bool:
        try:
            [float(v) for v in values]
        except ValueError:
            return False
        return True

    if not numeric(fields(numbered[0][1])):
        numbered = numbered[1:]  # a header row
    rows = []
    for number, line in numbered:
        values = fields(line)
        if rows and len(values) != len(rows[0]):
            raise CLIError(
                f"'{path}', line {number}: {len(values)} values, but the first data "
                f"row has {len(rows[0])}. Every row needs the same number of columns."
            )
        row = []
        for column, value in enumerate(values, start=1):
            try:
                row.append(float(value))
            except ValueError:
                raise CLIError(
                    f"'{path}', line {number}, column {column}: {value!r} is not a number."
                ) from None
        rows.append(row)
    if not rows:
        raise CLIError(f"'{path}' holds a header row but no data rows.")
    return np.asarray(rows, dtype=np.float32)


def _input_names(model) -> list[str]:
    inputs = getattr(model, "inputs", None) or []
    return [getattr(t, "name", f"input_{i}") for i, t in enumerate(inputs)]


def _as_float32(data: np.ndarray) -> np.ndarray:
    return data.astype(np.float32) if data.dtype.kind in "fb" and data.dtype != np.float32 else data


def _check_shape(model, data, data_path: str):
    if isinstance(data, dict):
        return {k: _as_float32(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_float32(v) for v in data]
    data = _as_float32(data)
    expected = model.input_shape if model.built else None
    if not isinstance(expected, tuple):
        if isinstance(expected, list):
            raise CLIError(
                f"The model has {len(expected)} inputs {_input_names(model)}; give "
                "them as one .npz holding an array per input (named after the "
                "inputs, or in order)."
            )
        return data
    if data.ndim == len(expected) - 1 and tuple(data.shape) == tuple(d for d in expected[1:]):
        return data[None]
    rest = tuple(expected[1:])
    if data.ndim != len(expected) or any(
        e is not None and e != d for e, d in zip(rest, data.shape[1:])
    ):
        raise CLIError(
            f"The model expects inputs of shape {expected}; '{data_path}' holds an "
            f"array of shape {data.shape}."
        )
    return data


def class_indices(preds: np.ndarray) -> np.ndarray:
    """One class index per sample, shape `(samples,)`: output > 0.5 for a single output,
    else the argmax over the last axis (sequence outputs keep their time axis)."""
    if preds.ndim >= 2 and preds.shape[-1] == 1:
        classes = (preds[..., 0] > 0.5).astype(np.int32)
    else:
        classes = np.argmax(preds, axis=-1).astype(np.int32)
    return classes


def run(args) -> int:
    data_path = args.data or args.input_path
    if data_path is None:
        raise CLIError("No input data: give DATA (e.g. x.npy) or --input x.npy.")
    if args.output and not args.output.lower().endswith((".npy", ".csv", ".txt")):
        raise CLIError(f"--output must end in .npy or .csv. Received: {args.output!r}")
    model, _ = load_any(
        args.file, config=args.config, weights=args.weights, legacy_backend=args.legacy_backend
    )
    data = _check_shape(model, read_data(data_path, args.key, _input_names(model)), data_path)
    try:
        preds = model.predict(data, batch_size=args.batch_size, verbose=0)
    except ValueError as exc:
        raise CLIError(f"The model could not predict on '{data_path}': {exc}") from None
    if isinstance(preds, (list, tuple, dict)):
        raise CLIError(
            "The model has several outputs; `predict` prints single-output models "
            "only. Use the Python API for this one."
        )
    preds = np.asarray(preds)
    if args.classes:
        preds = class_indices(preds)
        print("\n".join(" ".join(str(int(c)) for c in np.atleast_1d(row)) for row in preds))
    else:
        with np.printoptions(threshold=np.inf, precision=6, suppress=True):
            print(preds)
    if args.output:
        out = args.output
        if out.lower().endswith(".npy"):
            np.save(out, preds)
        elif out.lower().endswith((".csv", ".txt")):
            np.savetxt(
                out,
                preds.reshape(len(preds), -1),
                delimiter=",",
                fmt="%d" if args.classes else "%.8g",
            )
        print(f"Wrote {len(preds)} predictions to {out}.")
    return 0
