"""Speed of the Keras 3 layers modern tutorials use, minikeras beside real Keras 3.

Workloads (same code for both frameworks):
* `block`: one transformer block (MultiHeadAttention 2 heads x 32, LayerNorm, FFN 128,
  LayerNorm) + pooling + Dense, seq 64, dim 64, batch 32, Adam, MSE: ms per training step
  (`train_on_batch`, after 3 warm-up steps).
* `text`: TextVectorization.adapt on 20,000 sentences, then vectorizing them
  (`output_sequence_length=32`): seconds for each.

Run from the repository root:
    python benchmarks/modern_layers.py                 # minikeras, then Keras if found
    python benchmarks/modern_layers.py --no-keras
Real Keras runs in `--keras-python` (default /opt/kvenv/bin/python): JAX for `block`,
TensorFlow for `text` (Keras needs TensorFlow for TextVectorization).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def _keras(framework: str):
    if framework == "minikeras":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import minikeras as keras

        return keras
    import keras

    return keras


def block(keras, steps=10):
    layers = keras.layers
    keras.utils.set_random_seed(0)
    inp = keras.Input((64, 64))
    att = layers.MultiHeadAttention(num_heads=2, key_dim=32)(inp, inp)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([inp, att]))
    ffn = layers.Dense(64)(layers.Dense(128, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, ffn]))
    out = layers.Dense(1)(layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inp, out)
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 64, 64)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    for _ in range(3):
        model.train_on_batch(x, y)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return {
        "ms_per_step": 1000 * (time.perf_counter() - t0) / steps,
        "cpu_ms_per_step": 1000 * (time.process_time() - c0) / steps,
    }


def sentences(n=20_000):
    rng = np.random.default_rng(1)
    words = np.array([f"w{i}" for i in range(5000)] + ["The", "a", "Ünïcode", "it's"])
    punct = np.array(["", "", "", ",", ".", "!", "?"])
    out = []
    for length in rng.integers(5, 30, n):
        toks = rng.choice(words, length)
        out.append(" ".join(t + p for t, p in zip(toks, rng.choice(punct, length))))
    return out


def text(keras, framework):
    data = sentences()
    if framework == "keras":
        import tensorflow as tf

        data_in = tf.constant(data)
    else:
        data_in = np.array(data, dtype=object)
    layer = keras.layers.TextVectorization(max_tokens=10_000, output_sequence_length=32)
    t0 = time.perf_counter()
    layer.adapt(data_in)
    adapt_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = np.asarray(layer(data_in))
    call_s = time.perf_counter() - t0
    return {
        "adapt_s": adapt_s,
        "call_s": call_s,
        "vocabulary": len(layer.get_vocabulary()),
        "checksum": int(out.sum()),
    }


def run(framework: str, workloads) -> dict:
    keras = _keras(framework)
    out = {}
    if "block" in workloads:
        out["block"] = block(keras)
    if "text" in workloads:
        out["text"] = text(keras, framework)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workloads", nargs="*", default=["block", "text"])
    parser.add_argument("--framework", default="minikeras")
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument(
        "--keras-python", default=os.environ.get("KERAS_PYTHON", "/opt/kvenv/bin/python")
    )
    args = parser.parse_args()
    if args.framework == "keras":
        print(json.dumps(run("keras", args.workloads)))
        return
    results = {"minikeras": run("minikeras", args.workloads)}
    if not args.no_keras and os.path.exists(args.keras_python):
        for workload, backend in (("block", "jax"), ("text", "tensorflow")):
            if workload not in args.workloads:
                continue
            env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
            proc = subprocess.run(
                [args.keras_python, os.path.abspath(__file__), workload, "--framework", "keras"],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            got = json.loads(proc.stdout.strip().splitlines()[-1])
            results.setdefault(f"keras ({backend})", {}).update(got)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results["machine"] = {"load_average_1min": load, "cpus": os.cpu_count()}
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
