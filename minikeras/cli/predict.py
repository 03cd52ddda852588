"""`python -m minikeras predict FILE DATA`: predictions of a saved model on .npy/.csv data."""

from __future__ import annotations

import os

import numpy as np

from minikeras.cli.loading import CLIError, load_any


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "predict", help="print a saved model's predictions on .npy/.npz/.csv data",
        description="Loads FILE (as `summary` does) and prints model.predict(DATA).")
    p.add_argument("file", help="model file")
    p.add_argument("data", nargs="?", help="input data: .npy, .npz (first array or --key), "
                   ".csv/.txt (comma-separated, optional header row)")
    p.add_argument("--input", dest="input_path", help="same as DATA")
    p.add_argument("--key", help="array name inside a .npz DATA")
    p.add_argument("--output", help="also write the predictions to .npy or .csv")
    p.add_argument("--config", help="JSON architecture for a weights-only FILE")
    p.add_argument("--weights", help="weights to load into a JSON FILE")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--classes", action="store_true",
                   help="print class indices (argmax, or > 0.5 for one output) instead")
    p.set_defaults(run=run)


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
                    raise CLIError(f"'{path}' holds several arrays {names}; choose one with "
                                   "--key NAME.")
                name = key or names[0]
                if name not in names:
                    raise CLIError(f"No array '{name}' in '{path}'; it holds {names}.")
                return z[name]
        if lower.endswith((".csv", ".txt")):
            return _read_csv(path)
    except (ValueError, OSError) as exc:
        raise CLIError(f"Could not read data file '{path}': {exc}") from None
    except MemoryError:
        raise CLIError(f"Could not read data file '{path}': it declares an array larger than "
                       "the memory available.") from None
    raise CLIError(f"Unknown data format for '{path}': use .npy, .npz, .csv or .txt.")


def _read_csv(path: str) -> np.ndarray:
    with open(path, encoding="utf8") as f:
        first = f.readline()
    try:
        [float(v) for v in first.replace(",", " ").split()]
        skip = 0
    except ValueError:
        skip = 1  # a header row
    delimiter = "," if "," in first else None
    return np.loadtxt(path, delimiter=delimiter, skiprows=skip, dtype=np.float32, ndmin=2)


def _input_names(model) -> list[str]:
    inputs = getattr(model, "inputs", None) or []
    return [getattr(t, "name", f"input_{i}") for i, t in enumerate(inputs)]


def _as_float32(data: np.ndarray) -> np.ndarray:
    return data.astype(np.float32) if data.dtype.kind in "fb" and data.dtype != np.float32 \
        else data


def _check_shape(model, data, data_path: str):
    if isinstance(data, dict):
        return {k: _as_float32(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_float32(v) for v in data]
    data = _as_float32(data)
    expected = model.input_shape if model.built else None
    if not isinstance(expected, tuple):
        if isinstance(expected, list):
            raise CLIError(f"The model has {len(expected)} inputs {_input_names(model)}; give "
                           "them as one .npz holding an array per input (named after the "
                           "inputs, or in order).")
        return data
    if data.ndim == len(expected) - 1 and tuple(data.shape) == tuple(
            d for d in expected[1:]):
        return data[None]
    rest = tuple(expected[1:])
    if data.ndim != len(expected) or any(e is not None and e != d
                                         for e, d in zip(rest, data.shape[1:])):
        raise CLIError(f"The model expects inputs of shape {expected}; '{data_path}' holds an "
                       f"array of shape {data.shape}.")
    return data


def run(args) -> int:
    data_path = args.data or args.input_path
    if data_path is None:
        raise CLIError("No input data: give DATA (e.g. x.npy) or --input x.npy.")
    model, _ = load_any(args.file, config=args.config, weights=args.weights)
    data = _check_shape(model, read_data(data_path, args.key, _input_names(model)), data_path)
    try:
        preds = model.predict(data, batch_size=args.batch_size, verbose=0)
    except ValueError as exc:
        raise CLIError(f"The model could not predict on '{data_path}': {exc}") from None
    if isinstance(preds, (list, tuple, dict)):
        raise CLIError("The model has several outputs; `predict` prints single-output models "
                       "only. Use the Python API for this one.")
    preds = np.asarray(preds)
    if args.classes:
        preds = (preds > 0.5).astype(np.int32) if preds.shape[-1] == 1 else np.argmax(
            preds, axis=-1).astype(np.int32)
    with np.printoptions(threshold=np.inf, precision=6, suppress=True):
        print(preds)
    if args.output:
        out = args.output
        if out.lower().endswith(".npy"):
            np.save(out, preds)
        elif out.lower().endswith((".csv", ".txt")):
            np.savetxt(out, preds.reshape(len(preds), -1), delimiter=",",
                       fmt="%d" if args.classes else "%.8g")
        else:
            raise CLIError(f"--output must end in .npy or .csv. Received: {out!r}")
        print(f"Wrote {len(preds)} predictions to {out}.")
    return 0
