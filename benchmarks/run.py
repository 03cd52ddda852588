"""Benchmarks of minikeras, with real Keras (JAX) side by side when asked.

Usage (from the repository root)::

    python benchmarks/run.py                       # every workload, best of 3
    python benchmarks/run.py xor mlp --repeat 5    # some workloads
    python benchmarks/run.py --keras               # also real Keras 3 (JAX) + ratios
    python benchmarks/run.py --json out.json       # also write the figures as JSON

Workloads: see `WORKLOADS` and benchmarks/README.md. Real Keras runs in its own
interpreter (`--keras-python`, else `$KERAS_PYTHON`) via
`benchmarks/keras_reference.py`; minikeras never imports it. The exit status is
non-zero when a requested Keras comparison could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)
if "--threads" in sys.argv:  # BLAS reads its thread count when NumPy is first imported
    _n = str(int(sys.argv[sys.argv.index("--threads") + 1]))
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _n

from benchmarks import common  # noqa: E402
from benchmarks.workloads import WORKLOADS, timed  # noqa: E402

# Workloads keras_reference.py runs too (mlp_memory measures minikeras's own heap).
KERAS_WORKLOADS = [w for w in WORKLOADS if w != "mlp_memory"]

# figure -> (workload, key, "higher" or "lower" is better)
HEADLINES = [
    ("xor fit µs/step", "xor", "fit_us_per_step", "lower"),
    ("xor fit CPU µs/step", "xor", "fit_cpu_us_per_step", "lower"),
    ("xor train_on_batch µs/step", "xor", "train_on_batch_us_per_step", "lower"),
    ("mlp samples/s", "mlp", "samples_per_s", "higher"),
    ("mlp samples/CPU-s", "mlp", "samples_per_cpu_s", "higher"),
    ("mlp fraction of GEMM bound", "mlp", "fraction_of_gemm_bound", "higher"),
    ("mlp fraction of GEMM bound (CPU)", "mlp", "fraction_of_gemm_bound_cpu", "higher"),
    ("mlp peak heap MiB", "mlp_memory", "peak_mib", "lower"),
    ("predict1 predict() µs", "predict1", "predict_us", "lower"),
    ("predict1 predict() CPU µs", "predict1", "predict_cpu_us", "lower"),
    ("predict1 predict_on_batch µs", "predict1", "predict_on_batch_us", "lower"),
    ("predict1 model(x) µs", "predict1", "call_us", "lower"),
    ("cnn samples/s", "cnn", "samples_per_s", "higher"),
    ("cnn samples/CPU-s", "cnn", "samples_per_cpu_s", "higher"),
    ("lstm samples/s", "lstm", "samples_per_s", "higher"),
    ("lstm samples/CPU-s", "lstm", "samples_per_cpu_s", "higher"),
    ("coldstart wall s", "coldstart", "wall_s", "lower"),
    ("coldstart peak RSS MiB", "coldstart", "peak_rss_mib", "lower"),
    ("coldstart: python -c 'import numpy, h5py' s", "coldstart", "numpy_h5py_wall_s", "lower"),
    ("loaded mlp samples/s (2 competitors)", "loaded", "samples_per_s", "higher"),
    ("loaded mlp 1-thread samples/s", "loaded", "threads1_samples_per_s", "higher"),
    ("loaded default / 1-thread time", "loaded", "slowdown_vs_threads1", "lower"),
    ("bidirectional_lstm_imdb samples/s", "bidirectional_lstm_imdb", "samples_per_s", "higher"),
    (
        "bidirectional_lstm_imdb samples/CPU-s",
        "bidirectional_lstm_imdb",
        "samples_per_cpu_s",
        "higher",
    ),
    (
        "bidirectional_lstm_imdb evaluate samples/s",
        "bidirectional_lstm_imdb",
        "evaluate_samples_per_s",
        "higher",
    ),
    ("predict_batch samples/s", "predict_batch", "samples_per_s", "higher"),
    ("predict_batch samples/CPU-s", "predict_batch", "samples_per_cpu_s", "higher"),
    ("transformer samples/s", "transformer", "samples_per_s", "higher"),
    ("transformer samples/CPU-s", "transformer", "samples_per_cpu_s", "higher"),
    ("dataset samples/s", "dataset", "samples_per_s", "higher"),
    ("dataset: same fit on arrays samples/s", "dataset", "arrays_samples_per_s", "higher"),
]


def run_keras(names, repeat, python, threads=None):
    """Runs `keras_reference.py` in `python`; returns `(figures, error message or None)`."""
    env = dict(os.environ, KERAS_BACKEND="jax")
    if threads == 1:
        env["XLA_FLAGS"] = (
            env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
            " intra_op_parallelism_threads=1"
        ).strip()
    script = os.path.join(REPO, "benchmarks", "keras_reference.py")
    proc = subprocess.run(
        [python, script, *names, "--repeat", str(repeat)], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        return {}, f"keras_reference.py failed in {python}:\n{proc.stderr[-2000:]}"
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), None
    except (IndexError, ValueError):
        return {}, f"keras_reference.py printed no JSON line:\n{proc.stdout[-2000:]}"


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
    return str(v)


def print_table(results, keras) -> None:
    rows = [("figure", "minikeras", "keras3-jax" if keras else "", "speed-up" if keras else "")]
    for label, wl, key, better in HEADLINES:
        if wl not in results:
            continue
        mine = results[wl].get(key)
        if mine is None:
            rows.append((label, results[wl].get("skipped", "-"), "", ""))
            continue
        theirs = keras.get(wl, {}).get(key) if keras else None
        ratio = ""
        if isinstance(theirs, (int, float)) and isinstance(mine, (int, float)) and mine and theirs:
            ratio = f"{(theirs / mine if better == 'lower' else mine / theirs):.2f}x"
        rows.append((label, _fmt(mine), _fmt(theirs) if keras else "", ratio))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "workloads",
        nargs="*",
        default=list(WORKLOADS),
        help=f"any of {', '.join(WORKLOADS)} (default: all)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="take the best of N runs")
    parser.add_argument("--json", help="also write all figures to this JSON file")
    parser.add_argument(
        "--keras", action="store_true", help="also run the workloads in real Keras 3 (JAX backend)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="BLAS threads (and single-threaded XLA for --keras when 1); "
        "1 gives steadier figures on a shared machine",
    )
    parser.add_argument(
        "--keras-python", help="Python with Keras 3 and JAX for --keras (default: $KERAS_PYTHON)"
    )
    args = parser.parse_args(argv)
    common.check_names(parser, args.workloads, WORKLOADS)
    python = None
    if args.keras:
        python = common.keras_python_or_report(args.keras_python)
        if python is None:
            return 2
    results = {}
    for name in args.workloads:
        results[name] = timed(name, args.repeat)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    keras, problem = (
        run_keras(args.workloads, args.repeat, python, args.threads) if (args.keras) else ({}, None)
    )
    for name, res in keras.items():
        print(f"[keras] {name}: {json.dumps(res)}", flush=True)
    if args.keras and problem is None:
        missing = [w for w in args.workloads if w not in keras and w in KERAS_WORKLOADS]
        if missing:
            problem = f"keras_reference.py returned no figures for {missing}"
    print()
    print_table(results, keras)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"minikeras": results, "keras": keras}, f, indent=2)
    if problem:
        print(f"\n[keras] comparison incomplete: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
