"""Load times of the committed real-Keras fixtures, and of big-but-valid HDF5 structures.

Usage: python benchmarks/loading.py [--repeat 5] [--framework minikeras|keras]
       [--structures]

For every `tests/fixtures/keras_files/p*/` model, times `load_model` on the `.keras`
archive and the full `.h5` files, and `load_weights` on the weights files (best of
`--repeat`, in one process after a warm-up load). `--structures` also times loading a
valid weights file carrying 2,000 nested groups, 20,000 small datasets or 30,000
attributes beside the model's weights (files built in a temporary directory).
Run it with `/opt/kvenv/bin/python ... --framework keras` for Keras 3's figures.
Prints one `name seconds` line per case.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
FILES = REPO / "tests" / "fixtures" / "keras_files"
CASES = [
    ("load_model", "k3/model.keras"),
    ("load_model", "k3/k3_full.h5"),
    ("load_model", "tfk/full.h5"),
    ("load_weights", "k3/model.weights.h5"),
    ("load_weights", "tfk/w.h5"),
]


def best_of(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def structure_files(keras, tmp: pathlib.Path) -> dict:
    """Valid `.weights.h5` files of the XOR model plus one big structure each."""
    import h5py
    import numpy as np

    model = keras.Sequential(
        [keras.layers.Input((2,)), keras.layers.Dense(10), keras.layers.Dense(1)]
    )
    base = tmp / "base.weights.h5"
    model.save_weights(base)
    out = {}
    for kind in ("nested_2000", "datasets_20000", "attrs_30000"):
        path = tmp / f"{kind}.weights.h5"
        path.write_bytes(base.read_bytes())
        # libver="latest" stores many attributes densely (the default format makes
        # writing 30,000 of them take minutes).
        with h5py.File(path, "r+", libver="latest") as f:
            if kind == "nested_2000":
                g = f.create_group("extra")
                for i in range(2000):
                    g = g.create_group(f"g{i}")
            elif kind == "datasets_20000":
                g = f.create_group("extra")
                for i in range(20000):
                    g.create_dataset(f"d{i}", data=np.float32(i))
            else:
                g = f.create_group("extra")
                for i in range(30000):
                    g.attrs[f"a{i}"] = i
        out[kind] = (model, path)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--framework", default="minikeras")
    parser.add_argument("--structures", action="store_true")
    args = parser.parse_args()
    if args.framework == "minikeras":
        sys.path.insert(0, str(REPO))
        import minikeras as keras
    else:
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras
    for project in sorted(FILES.glob("p*")):
        for what, rel in CASES:
            path = project / rel
            if not path.exists():
                continue
            if what == "load_model":

                def fn(path=path):
                    keras.models.load_model(path, compile=False)
            else:
                full = project / rel.replace("model.weights.h5", "model.keras").replace(
                    "w.h5", "full.h5"
                )
                model = keras.models.load_model(full, compile=False)

                def fn(path=path, model=model):
                    model.load_weights(path)

            print(f"{project.name}/{rel} {what} {best_of(fn, args.repeat):.4f}", flush=True)
    if args.structures:
        with tempfile.TemporaryDirectory() as tmp:
            for kind, (model, path) in structure_files(keras, pathlib.Path(tmp)).items():
                seconds = best_of(lambda m=model, p=path: m.load_weights(p), args.repeat)
                print(f"structure/{kind} load_weights {seconds:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
