"""Runs every model of a "wild" folder through minikeras and prints a table.

Usage (from the repository root, by hand; nothing here runs in CI)::

    PYTHONPATH=$PWD python scripts/wild_check.py [--wild ../shared/wild] [--refs refs.npz]
    PYTHONPATH=$PWD python scripts/wild_check.py --make-refs refs.npz --keras-python \
        /opt/kvenv/bin/python

Each sub-folder holds one model as its authors committed it (a full `.h5`/`.hdf5`/
`.keras` file, or a JSON architecture beside its weights) and a `PROVENANCE.md` that
names the input used for comparisons. Where the folder ships `orig_io.npz` (inputs
`x0`, `x1`, ... and the saving Keras' own outputs `y`), the predictions are compared at
1e-4 relative to the largest reference value. Other folders are compared with outputs
of a real Keras (tf_keras or Keras 3, as PROVENANCE.md names) when `--refs` gives a file
made by `--make-refs`; Keras 1 and Theano references cannot be recomputed here.

Columns: `loads` (the model and its weights load without error), `warn` (UserWarnings
raised while loading, first line), `orig` (reproduces `orig_io.npz`), `oracle`
(matches the real-Keras reference), `rel` (relative error of the comparison made).
With `--convert DIR`, each model is also saved as `DIR/<name>.keras` (what
`python -m minikeras convert` writes) and, when `--keras-python` runs, Keras 3 loads
that file and predicts (`k3conv`: same as minikeras at 1e-4 relative).
The wild files are only read, never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import warnings

import numpy as np

RTOL = 1e-4
_DTYPES = {"float32": np.float32, "int32": np.int32}
_INPUT_RE = re.compile(r"shape \(batch,\)\+\(([^)]*)\) (float32|int32) in \[([-\d.]+), ([-\d.]+)\)")


def model_files(folder: str) -> tuple[str, str | None]:
    """`(architecture_or_model_file, weights_file_or_None)` of one wild folder."""
    names = sorted(os.listdir(folder))
    jsons = [n for n in names if n.endswith(".json")]
    models = [n for n in names if n.endswith((".h5", ".hdf5", ".keras"))]
    if jsons:
        weights = models[0] if models else None
        return os.path.join(folder, jsons[0]), (os.path.join(folder, weights) if weights else None)
    if len(models) != 1:
        raise ValueError(f"{folder}: expected one model file, found {models}")
    return os.path.join(folder, models[0]), None


def inputs_for(folder: str) -> list[np.ndarray]:
    """The comparison inputs: `orig_io.npz`'s, or PROVENANCE.md's seeded random ones."""
    io_path = os.path.join(folder, "orig_io.npz")
    if os.path.exists(io_path):
        data = np.load(io_path)
        keys = sorted(k for k in data.files if re.fullmatch(r"x\d+", k))
        return [data[k] for k in keys]
    with open(os.path.join(folder, "PROVENANCE.md"), encoding="utf8") as f:
        line = next(x for x in f if x.startswith("- input used for the comparison"))
    rng = np.random.default_rng(0)
    batch = int(re.search(r"batch (\d+)", line).group(1))
    out = []
    for dims, dtype, low, high in _INPUT_RE.findall(line):
        shape = (batch,) + tuple(int(d) for d in dims.split(",") if d.strip())
        if dtype == "int32":
            x = rng.integers(int(float(low)), int(float(high)), size=shape).astype(np.int32)
        else:
            x = rng.uniform(float(low), float(high), size=shape).astype(np.float32)
        m = re.search(r"last (\d+) steps zeroed on every other sample", line)
        if m:
            x[::2, -int(m.group(1)) :] = 0.0
        out.append(x)
    return out


def reference_kind(folder: str) -> str:
    """`orig`, `tfk`, `k3`, `tfk_repaired` or `k216`, from PROVENANCE.md."""
    with open(os.path.join(folder, "PROVENANCE.md"), encoding="utf8") as f:
        line = next(x for x in f if x.startswith("- reference output"))
    return line.split(":", 1)[1].strip().split(" ", 1)[0]


def rel_error(pred, ref) -> float:
    pred = [np.asarray(p, np.float64) for p in (pred if isinstance(pred, list) else [pred])]
    ref = [np.asarray(r, np.float64) for r in (ref if isinstance(ref, list) else [ref])]
    if len(pred) != len(ref) or any(p.shape != r.shape for p, r in zip(pred, ref)):
        return float("inf")
    scale = max(float(np.max(np.abs(r))) for r in ref) or 1.0
    return max(float(np.max(np.abs(p - r))) for p, r in zip(pred, ref)) / scale


def load_minikeras(folder: str):
    import minikeras

    path, weights = model_files(folder)
    if path.endswith(".json"):
        with open(path, encoding="utf8") as f:
            model = minikeras.models.model_from_json(f.read())
        if weights:
            model.load_weights(weights)
        return model
    return minikeras.models.load_model(path, compile=False)


def check_folder(folder: str, refs, convert_dir=None) -> dict:
    name = os.path.basename(folder.rstrip("/"))
    row = {
        "name": name,
        "loads": False,
        "warn": "",
        "orig": "",
        "oracle": "",
        "rel": "",
        "error": "",
        "k3conv": "",
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = load_minikeras(folder)
        user = [
            str(w.message).splitlines()[0] for w in caught if issubclass(w.category, UserWarning)
        ]
        row["warn"] = user[0][:60] if user else ""
        row["loads"] = True
        xs = inputs_for(folder)
        pred = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    except Exception as exc:  # noqa: BLE001 - the table reports every failure
        row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return row
    if convert_dir:
        try:
            model.save(os.path.join(convert_dir, f"{name}.keras"))
            for i, x in enumerate(xs):
                np.save(os.path.join(convert_dir, f"{name}_x{i}.npy"), x)
            np.save(
                os.path.join(convert_dir, f"{name}_y.npy"),
                np.asarray(pred if not isinstance(pred, list) else pred[0]),
            )
        except Exception as exc:  # noqa: BLE001
            row["k3conv"] = "NO"
            row["error"] = f"convert: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    io_path = os.path.join(folder, "orig_io.npz")
    if os.path.exists(io_path):
        err = rel_error(pred, np.load(io_path)["y"])
        row["orig"] = "yes" if err <= RTOL else "NO"
        row["rel"] = f"{err:.1e}"
    elif refs is not None and f"{name}__0" in refs:
        ref = [refs[k] for k in sorted(refs) if k.rsplit("__", 1)[0] == name]
        err = rel_error(pred, ref if len(ref) > 1 else ref[0])
        row["oracle"] = "yes" if err <= RTOL else "NO"
        row["rel"] = f"{err:.1e}"
    return row


_ORACLE = r"""
import json, os, sys, numpy as np
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
jobs = json.loads(sys.argv[1])
out = {}
for name, kind, path, weights, inputs in jobs:
    xs = [np.load(p) for p in inputs]
    try:
        if kind.startswith("tfk"):
            import tf_keras as K
        else:
            os.environ.setdefault("KERAS_BACKEND", "jax")
            import keras as K
        if path.endswith(".json"):
            m = K.models.model_from_json(open(path).read())
            m.load_weights(weights)
        else:
            m = K.models.load_model(path, compile=False)
        y = m.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = y if isinstance(y, (list, tuple)) else [y]
        for i, yi in enumerate(ys):
            out[f"{name}__{i}"] = np.asarray(yi)
        print(name, "ok", file=sys.stderr)
    except Exception as exc:
        print(name, "failed:", type(exc).__name__, str(exc)[:200], file=sys.stderr)
np.savez(sys.argv[2], **out)
"""


_KERAS3 = r"""
import glob, json, os, sys, numpy as np
os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
out = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.keras"))):
    name = os.path.basename(path)[:-6]
    xs = [np.load(p) for p in sorted(glob.glob(os.path.join(sys.argv[1], name + "_x*.npy")))]
    try:
        y = keras.models.load_model(path, compile=False).predict(
            xs if len(xs) > 1 else xs[0], verbose=0)
        y = np.asarray(y if not isinstance(y, list) else y[0], np.float64)
        ref = np.load(os.path.join(sys.argv[1], name + "_y.npy")).astype(np.float64)
        out[name] = float(np.max(np.abs(y - ref)) / (np.max(np.abs(ref)) or 1.0))
    except Exception as exc:
        out[name] = f"{type(exc).__name__}: {str(exc)[:150]}"
print(json.dumps(out))
"""


def keras3_on_converted(convert_dir: str, python: str) -> dict:
    """`{name: relative error or error text}` of Keras 3 on the converted `.keras` files."""
    done = subprocess.run(
        [python, "-c", _KERAS3, convert_dir], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_refs(wild: str, target: str, python: str) -> None:
    """Computes real-Keras references for the folders whose provenance names tfk or k3."""
    import tempfile

    tmp = tempfile.mkdtemp(prefix="wild-refs-")
    jobs = []
    for name in sorted(os.listdir(wild)):
        folder = os.path.join(wild, name)
        if not os.path.isdir(folder) or os.path.exists(os.path.join(folder, "orig_io.npz")):
            continue
        kind = reference_kind(folder)
        if kind not in ("tfk", "k3"):
            continue
        path, weights = model_files(folder)
        inputs = []
        for i, x in enumerate(inputs_for(folder)):
            p = os.path.join(tmp, f"{name}_x{i}.npy")
            np.save(p, x)
            inputs.append(p)
        jobs.append([name, kind, path, weights, inputs])
    subprocess.run([python, "-c", _ORACLE, json.dumps(jobs), target], check=True)


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    default_wild = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "wild"))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wild", default=os.environ.get("MINIKERAS_WILD", default_wild))
    p.add_argument("--refs", help="real-Keras references made by --make-refs (.npz)")
    p.add_argument("--make-refs", metavar="OUT.npz", help="compute references and exit")
    p.add_argument("--keras-python", default="/opt/kvenv/bin/python")
    p.add_argument("--only", help="regular expression on folder names")
    p.add_argument(
        "--convert",
        metavar="DIR",
        help="also save each model as DIR/<name>.keras and check it in Keras 3 (--keras-python)",
    )
    args = p.parse_args(argv)
    if args.make_refs:
        make_refs(args.wild, args.make_refs, args.keras_python)
        return 0
    refs = dict(np.load(args.refs)) if args.refs else None
    rows = []
    for name in sorted(os.listdir(args.wild)):
        folder = os.path.join(args.wild, name)
        if os.path.isdir(folder) and (not args.only or re.search(args.only, name)):
            rows.append(check_folder(folder, refs, args.convert))
    if args.convert and os.path.exists(args.keras_python):
        k3 = keras3_on_converted(args.convert, args.keras_python)
        for r in rows:
            got = k3.get(r["name"])
            if isinstance(got, float):
                r["k3conv"] = "yes" if got <= RTOL else "NO"
            elif got is not None:
                r["k3conv"] = "NO"
                r["error"] = r["error"] or f"Keras 3: {got}"
    print(f"{'model':34} {'loads':5} {'orig':4} {'oracle':6} {'k3conv':6} {'rel':8} note")
    for r in rows:
        note = r["error"] or r["warn"]
        print(
            f"{r['name']:34} {'yes' if r['loads'] else 'NO':5} {r['orig']:4} "
            f"{r['oracle']:6} {r['k3conv']:6} {r['rel']:8} {note[:110]}"
        )
    loads = sum(r["loads"] for r in rows)
    orig = [r for r in rows if r["orig"]]
    oracle = [r for r in rows if r["oracle"]]
    print(
        f"\nloads {loads}/{len(rows)}; reproduces orig_io.npz "
        f"{sum(r['orig'] == 'yes' for r in orig)}/{len(orig)}; matches real Keras "
        f"{sum(r['oracle'] == 'yes' for r in oracle)}/{len(oracle)}"
        + (
            "; converted .keras predicts the same in Keras 3 "
            f"{sum(r['k3conv'] == 'yes' for r in rows)}/{len(rows)}"
            if args.convert
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
