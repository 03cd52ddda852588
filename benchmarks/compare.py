"""Markdown table of two or more `run.py --json` result files (best value of each figure).

Usage::

    python benchmarks/compare.py before.json after.json [--keras keras.json]

Each positional argument may be a comma-separated list of files (repeated runs of the
same code): the best value of each figure across them is kept.
"""

from __future__ import annotations

import argparse
import json

# (label, workload, key, "lower"/"higher" is better, issue target or "")
ROWS = [
    ("xor fit, µs/step (wall)", "xor", "fit_us_per_step", "lower", "≤ 100"),
    ("xor fit, µs/step (CPU)", "xor", "fit_cpu_us_per_step", "lower", "≤ 100"),
    ("xor train_on_batch, µs/step (CPU)", "xor", "train_on_batch_cpu_us_per_step", "lower", ""),
    ("mlp, samples/s (wall)", "mlp", "samples_per_s", "higher", "≥ 25k"),
    ("mlp, samples/CPU-s", "mlp", "samples_per_cpu_s", "higher", "≥ 25k"),
    ("mlp, fraction of GEMM bound (CPU)", "mlp", "fraction_of_gemm_bound_cpu", "higher", "≥ 0.65"),
    ("mlp, GEMM-only GFLOP/s", "mlp", "gemm_gflops", "higher", ""),
    ("mlp peak heap, MiB", "mlp_memory", "peak_mib", "lower", ""),
    ("mlp peak heap / budget", "mlp_memory", "ratio_to_budget", "lower", "≤ 1.5"),
    ("predict1 predict(), µs (CPU)", "predict1", "predict_cpu_us", "lower", "≤ 60"),
    ("predict1 predict_on_batch, µs (CPU)", "predict1", "predict_on_batch_cpu_us", "lower", ""),
    ("predict1 model(x), µs (CPU)", "predict1", "call_cpu_us", "lower", ""),
    ("cnn, samples/s (wall)", "cnn", "samples_per_s", "higher", "≥ 1.9k"),
    ("lstm, samples/s (wall)", "lstm", "samples_per_s", "higher", "≥ 4.8k"),
    ("coldstart, s (wall)", "coldstart", "wall_s", "lower", "≤ 0.4"),
    ("coldstart peak RSS, MiB", "coldstart", "peak_rss_mib", "lower", "≤ 80"),
]

# Keras has no CPU-time figures: compare CPU rows with its wall figures.
_KERAS_KEY = {
    "fit_cpu_us_per_step": "fit_us_per_step",
    "train_on_batch_cpu_us_per_step": "train_on_batch_us_per_step",
    "samples_per_cpu_s": "samples_per_s",
    "predict_cpu_us": "predict_us",
    "predict_on_batch_cpu_us": "predict_on_batch_us",
    "call_cpu_us": "call_us",
}


def _load(spec, section="minikeras"):
    runs = []
    for path in spec.split(","):
        with open(path) as f:
            data = json.load(f)
        runs.append(data.get(section, data))
    return runs


def _best(runs, wl, key, better):
    vals = [r[wl][key] for r in runs if isinstance(r.get(wl, {}).get(key), (int, float))]
    if not vals:
        return None
    return min(vals) if better == "lower" else max(vals)


def _fmt(v):
    if v is None:
        return "–"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--keras", help="keras_reference.py output (JSON)")
    args = parser.parse_args()
    before, after = _load(args.before), _load(args.after)
    keras = _load(args.keras, "keras") if args.keras else None
    head = "| figure | before | after | after vs before |"
    head += " Keras 3 (JAX) | minikeras vs Keras |" if keras else ""
    print(head + " target |")
    print("|---" * (head.count("|") - 1) + "|---|")
    for label, wl, key, better, target in ROWS:
        b, a = _best(before, wl, key, better), _best(after, wl, key, better)
        if a is None and b is None:
            continue
        ratio = "–"
        if a and b:
            ratio = f"{(b / a if better == 'lower' else a / b):.2f}×"
        row = f"| {label} | {_fmt(b)} | {_fmt(a)} | {ratio} |"
        if keras:
            k = _best(keras, wl, _KERAS_KEY.get(key, key), better)
            kr = f"{(k / a if better == 'lower' else a / k):.2f}×" if (a and k) else "–"
            row += f" {_fmt(k)} | {kr} |"
        print(row + f" {target} |")


if __name__ == "__main__":
    main()
