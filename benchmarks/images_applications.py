"""Image pipeline and MobileNetV2 speed, minikeras beside real Keras 3 in the same run.

    python benchmarks/images_applications.py                 # both (Keras from $KERAS_PYTHON,
                                                              # default /opt/kvenv/bin/python)
    python benchmarks/images_applications.py --only minikeras

Workloads (each the best of --repeat runs; wall and process-CPU seconds):
  dataset   image_dataset_from_directory over a generated folder of 96 JPEGs (80-160 px):
            decode + bilinear resize to 96x96, images/s
  augment   ImageDataGenerator(rescale, rotation 20, shifts 0.1, zoom 0.2, horizontal flip)
            .flow_from_directory on the same folder, images/s (tf_keras for the reference)
  predict1  MobileNetV2(alpha=0.35, 96x96, include_top=False, pooling="avg") predict on one
            image: median latency in ms over 20 calls (after 2 warm-ups)
  train     the same network + Dense(1), all layers trainable, Adam, batch 16: samples/s
            over 4 steps (after 1 warm-up step)
The child runs with `--child FRAMEWORK` and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def make_folder(root, n=96, seed=0):
    from PIL import Image

    rng = np.random.default_rng(seed)
    for i in range(n):
        label = ("a", "b")[i % 2]
        os.makedirs(os.path.join(root, label), exist_ok=True)
        h, w = rng.integers(80, 160, 2)
        pixels = rng.integers(0, 256, (h, w, 3)).astype("uint8")
        Image.fromarray(pixels).save(os.path.join(root, label, f"{i:04d}.jpg"), quality=90)


def _timed(fn, repeat):
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        result = (time.perf_counter() - wall, time.process_time() - cpu)
        best = result if best is None or result[0] < best[0] else best
    return best


def child(framework, folder, repeat):
    if framework == "keras":
        import keras
        from tf_keras.preprocessing.image import ImageDataGenerator
    else:
        sys.path.insert(0, os.path.dirname(HERE))
        import minikeras as keras
        from minikeras.preprocessing.image import ImageDataGenerator
    out = {"framework": framework, "version": getattr(keras, "__version__", "?")}
    n = sum(len(files) for _, _, files in os.walk(folder))

    def dataset():
        ds = keras.utils.image_dataset_from_directory(
            folder, image_size=(96, 96), batch_size=16, seed=1, verbose=False
        )
        for _ in ds:
            pass

    wall, cpu = _timed(dataset, repeat)
    out["dataset_images_per_s"], out["dataset_cpu_s"] = n / wall, cpu
    gen = ImageDataGenerator(
        rescale=1 / 255.0,
        rotation_range=20,
        width_shift_range=0.1,
        height_shift_range=0.1,
        zoom_range=0.2,
        horizontal_flip=True,
    )

    def augment():
        it = gen.flow_from_directory(folder, target_size=(96, 96), batch_size=16, seed=1)
        for i in range(len(it)):
            it[i]

    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        wall, cpu = _timed(augment, repeat)
    out["augment_images_per_s"], out["augment_cpu_s"] = n / wall, cpu
    base = keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, include_top=False, pooling="avg", weights=None
    )
    one = np.random.default_rng(0).uniform(0, 1, (1, 96, 96, 3)).astype("float32")
    for _ in range(2):
        base.predict(one, verbose=0)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        base.predict(one, verbose=0)
        times.append(time.perf_counter() - t)
    out["predict1_ms"] = float(np.median(times) * 1e3)
    inputs = keras.Input((96, 96, 3))
    model = keras.Model(inputs, keras.layers.Dense(1)(base(inputs)))
    model.compile(optimizer="adam", loss="mse")
    xs = np.random.default_rng(1).uniform(0, 1, (16, 96, 96, 3)).astype("float32")
    ys = np.zeros((16, 1), "float32")
    model.train_on_batch(xs, ys)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(4):
        model.train_on_batch(xs, ys)
    out["train_samples_per_s"] = 64 / (time.perf_counter() - wall)
    out["train_cpu_s"] = time.process_time() - cpu
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("minikeras", "keras"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.repeat)
        return
    keras_python = os.environ.get("KERAS_PYTHON", "/opt/kvenv/bin/python")
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "1"),
        KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "jax"),
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    with tempfile.TemporaryDirectory() as folder:
        make_folder(folder)
        rows = []
        for framework, python in (("minikeras", sys.executable), ("keras", keras_python)):
            if args.only and args.only != framework:
                continue
            proc = subprocess.run(
                [
                    python,
                    __file__,
                    "--child",
                    framework,
                    "--folder",
                    folder,
                    "--repeat",
                    str(args.repeat),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not lines:
                print(f"{framework} failed:\n{proc.stderr[-2000:]}")
                continue
            rows.append(json.loads(lines[-1]))
            print(lines[-1])
    print(f"load average: {os.getloadavg()}")
    keys = ("dataset_images_per_s", "augment_images_per_s", "predict1_ms", "train_samples_per_s")
    print("| framework | " + " | ".join(keys) + " |")
    for row in rows:
        print(
            f"| {row['framework']} {row['version']} | "
            + " | ".join(f"{row[k]:.1f}" for k in keys)
            + " |"
        )


if __name__ == "__main__":
    main()
