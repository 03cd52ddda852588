"""Speed of the colour, tone, mixing and warp augmentation layers, minikeras beside Keras 3.

Each layer is called in training mode on the same batch (32 x 64 x 64 x 3, values in
[0, 255]); the figure is ms per call (median of 5, after one warm-up call), wall and CPU.

Run from the repository root:
    python benchmarks/augmentation_layers.py               # minikeras, then Keras if found
    python benchmarks/augmentation_layers.py --no-keras
Real Keras runs in `--keras-python` (default /opt/kvenv/bin/python) on JAX, eagerly
(a direct layer call, as in a data pipeline).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

LAYERS = {
    "RandomHue": dict(factor=0.2),
    "RandomSaturation": dict(factor=0.5),
    "RandomColorJitter": dict(
        brightness_factor=0.2, contrast_factor=0.2, saturation_factor=0.5, hue_factor=0.1
    ),
    "Equalization": {},
    "RandomInvert": {},
    "RandomPosterization": dict(factor=4),
    "RandomColorDegeneration": dict(factor=0.5),
    "RandomSharpness": dict(factor=0.5),
    "RandomGaussianBlur": dict(kernel_size=5, sigma=1.0),
    "RandomErasing": {},
    "MixUp": {},
    "CutMix": {},
    "RandomPerspective": dict(scale=0.5),
    "RandomElasticTransform": dict(scale=0.5),
    "RandAugment": {},
    "AugMix": {},
}


def measure(framework: str, repeats: int = 5) -> dict:
    if framework == "minikeras":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import minikeras as keras
    else:
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras
    images = np.random.default_rng(0).uniform(0, 255, (32, 64, 64, 3)).astype("float32")
    results = {}
    for name, kwargs in LAYERS.items():
        seed = {} if name == "Equalization" else {"seed": 1}  # Keras's takes no seed
        layer = getattr(keras.layers, name)(**seed, **kwargs)
        np.asarray(layer(images, training=True))
        walls, cpus = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            np.asarray(layer(images, training=True))
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        results[name] = {
            "wall_ms": 1000 * float(np.median(walls)),
            "cpu_ms": 1000 * float(np.median(cpus)),
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument("--keras-python", default="/opt/kvenv/bin/python")
    args = parser.parse_args()
    if args.framework:
        print(json.dumps(measure(args.framework)))
        return
    ours = measure("minikeras")
    theirs = None
    if not args.no_keras and os.path.exists(args.keras_python):
        done = subprocess.run(
            [args.keras_python, os.path.abspath(__file__), "--framework", "keras"],
            capture_output=True,
            text=True,
            env={**os.environ, "KERAS_BACKEND": "jax"},
        )
        if done.returncode == 0:
            theirs = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            print("Keras run failed:", done.stderr[-2000:], file=sys.stderr)
    print(f"{'layer':24s} {'minikeras wall/cpu ms':>24s} {'Keras 3 (JAX) wall/cpu ms':>28s}")
    for name in LAYERS:
        o = ours[name]
        k = theirs.get(name) if theirs else None
        other = f"{k['wall_ms']:10.1f} / {k['cpu_ms']:8.1f}" if k else "-"
        print(f"{name:24s} {o['wall_ms']:12.1f} / {o['cpu_ms']:8.1f} {other:>28s}")


if __name__ == "__main__":
    main()
