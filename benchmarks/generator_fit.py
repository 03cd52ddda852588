"""`fit` fed by a Python generator: a small Dense net (20-64-10, batch 32, Adam).

Measures process CPU time per step (best of `--repeat` fits of 3 x 100 steps). With
`--keras` the same fit runs in real Keras 3 (`--keras-python`, else
`/opt/kvenv/bin/python`; backend from `$KERAS_BACKEND`, default jax); its CPU time
includes the backend's worker threads.

    python benchmarks/generator_fit.py [--repeat 3] [--keras]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

STEPS, EPOCHS, BATCH = 100, 3, 32


def _run(keras, repeat: int) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    n = STEPS * BATCH
    x = rng.normal(size=(n, 20)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]

    def batches():
        while True:
            for i in range(0, n, BATCH):
                yield x[i : i + BATCH], y[i : i + BATCH]

    times = []
    for _ in range(repeat):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((20,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        start = time.process_time()
        model.fit(batches(), steps_per_epoch=STEPS, epochs=EPOCHS, verbose=0)
        times.append((time.process_time() - start) / (STEPS * EPOCHS) * 1e6)
    return {"cpu_us_per_step": min(times), "runs": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keras", action="store_true", help="also run it in real Keras 3")
    parser.add_argument("--keras-python", default="/opt/kvenv/bin/python")
    parser.add_argument("--as-keras", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_keras:  # the child process that runs real Keras
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras

        print(json.dumps(_run(keras, args.repeat)))
        return
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, repo)
    import minikeras

    print("minikeras", json.dumps(_run(minikeras, args.repeat)))
    if args.keras:
        child = [args.keras_python, __file__, "--as-keras", "--repeat", str(args.repeat)]
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        out = subprocess.run(child, capture_output=True, text=True, env=env, check=True)
        backend = os.environ.get("KERAS_BACKEND", "jax")
        print(f"keras ({backend})", out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
