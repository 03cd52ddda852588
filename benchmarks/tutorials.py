"""Public Keras tutorials end to end, minikeras and Keras 3 (JAX) in the same run.

Each tutorial below is written once against the Keras API and run unchanged by
both frameworks, each in a fresh process (import, model building, `fit`,
`evaluate` / `predict`: what a user waits for). The sizes and layers are the
examples' own; the data is synthetic (no downloads) and the runs are shorter
(fewer samples and epochs, see `TUTORIALS`). The two frameworks alternate,
`--repeat` times, and the table gives the best wall time of each (seen by the
parent) and the best CPU time (all threads of the child: on a machine shared with
other jobs the steadier figure for single-threaded work)::

    KERAS_PYTHON=/path/to/kvenv/bin/python python benchmarks/tutorials.py
    python benchmarks/tutorials.py mnist_cnn addition_rnn --repeat 3
    python benchmarks/tutorials.py --no-keras           # minikeras only

The examples: Keras's bidirectional-LSTM IMDB, the Keras 2 `mnist_cnn` (Adadelta),
`mnist_hierarchical_rnn` (TimeDistributed(LSTM)), the addition RNN (seq2seq
LSTM), the siamese network with a contrastive loss, and the convolutional
denoising autoencoder. Exit status 1 when a requested Keras run failed, 2 when
no Keras interpreter is given (see `common.KERAS_PYTHON_HELP`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402


def _digits(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, n)
    return x, y


def bidirectional_lstm_imdb(keras, scale):
    """Embedding(20000, 128), Bidirectional(LSTM(64)) x 2, batch 32, validation data."""
    L = keras.layers
    n = 320 * scale
    rng = np.random.default_rng(0)
    x = rng.integers(0, 20_000, (n, 200)).astype("int32")
    y = rng.integers(0, 2, (n, 1)).astype("float32")
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = L.Embedding(20_000, 128)(inputs)
    h = L.Bidirectional(L.LSTM(64, return_sequences=True))(h)
    h = L.Bidirectional(L.LSTM(64))(h)
    model = keras.Model(inputs, L.Dense(1, activation="sigmoid")(h))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=2, validation_data=(x[: n // 4], y[: n // 4]), verbose=0)
    return model.evaluate(x, y, batch_size=32, verbose=0)


def mnist_cnn(keras, scale):
    """The Keras 2 `mnist_cnn` example: two convolutions, Adadelta, batch 128."""
    L = keras.layers
    x, y = _digits(1_024 * scale, 1)
    y = keras.utils.to_categorical(y, 10)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(32, (3, 3), activation="relu"),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Dropout(0.25),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        loss=keras.losses.categorical_crossentropy,
        optimizer=keras.optimizers.Adadelta(),
        metrics=["accuracy"],
    )
    model.fit(x, y, batch_size=128, epochs=2, verbose=0, validation_data=(x[:256], y[:256]))
    return model.evaluate(x, y, verbose=0)


def hierarchical_rnn(keras, scale):
    """`mnist_hierarchical_rnn`: TimeDistributed(LSTM(128)) over rows, LSTM(128), RMSprop."""
    L = keras.layers
    x, y = _digits(256 * scale, 2)
    y = keras.utils.to_categorical(y, 10)
    inputs = keras.Input(shape=(28, 28, 1))
    h = L.TimeDistributed(L.LSTM(128))(inputs)
    h = L.LSTM(128)(h)
    model = keras.Model(inputs, L.Dense(10, activation="softmax")(h))
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_data=(x[:64], y[:64]))
    return model.evaluate(x, y, verbose=0)


def addition_rnn(keras, scale):
    """The addition RNN: LSTM(128) encoder, RepeatVector(4), LSTM(128) decoder, Adam."""
    L = keras.layers
    n, chars = 2_000 * scale, 12
    rng = np.random.default_rng(3)
    x = np.eye(chars, dtype=bool)[rng.integers(0, chars, (n, 7))]
    y = np.eye(chars, dtype=bool)[rng.integers(0, chars, (n, 4))]
    model = keras.Sequential(
        [
            keras.Input((7, chars)),
            L.LSTM(128),
            L.RepeatVector(4),
            L.LSTM(128, return_sequences=True),
            L.Dense(chars, activation="softmax"),
        ]
    )
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    for _ in range(2):
        model.fit(x, y, batch_size=32, epochs=1, validation_data=(x[:200], y[:200]), verbose=0)
        model.predict(x[:10], verbose=0)
    return model.evaluate(x, y, verbose=0)


def siamese_contrastive(keras, scale):
    """The siamese network with a contrastive loss: two towers, Lambda distance, RMSprop."""
    L, ops = keras.layers, keras.ops
    n = 512 * scale
    x1, _ = _digits(n, 4)
    x2, _ = _digits(n, 5)
    y = np.random.default_rng(6).integers(0, 2, (n, 1)).astype("float32")

    def euclidean_distance(vects):
        a, b = vects
        sum_square = ops.sum(ops.square(a - b), axis=1, keepdims=True)
        return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))

    def contrastive_loss(y_true, y_pred):
        margin = 1.0
        square_pred = ops.square(y_pred)
        margin_square = ops.square(ops.maximum(margin - y_pred, 0))
        return ops.mean((1 - y_true) * square_pred + y_true * margin_square)

    inp = keras.Input((28, 28, 1))
    h = L.BatchNormalization()(inp)
    h = L.Conv2D(4, (5, 5), activation="tanh")(h)
    h = L.AveragePooling2D(pool_size=(2, 2))(h)
    h = L.Conv2D(16, (5, 5), activation="tanh")(h)
    h = L.AveragePooling2D(pool_size=(2, 2))(h)
    h = L.Flatten()(h)
    h = L.BatchNormalization()(h)
    tower = keras.Model(inp, L.Dense(10, activation="tanh")(h))
    in1, in2 = keras.Input((28, 28, 1)), keras.Input((28, 28, 1))
    dist = L.Lambda(euclidean_distance, output_shape=(1,))([tower(in1), tower(in2)])
    out = L.Dense(1, activation="sigmoid")(L.BatchNormalization()(dist))
    model = keras.Model([in1, in2], out)
    model.compile(loss=contrastive_loss, optimizer="RMSprop", metrics=["accuracy"])
    model.fit(
        [x1, x2],
        y,
        batch_size=16,
        epochs=2,
        verbose=0,
        validation_data=([x1[:64], x2[:64]], y[:64]),
    )
    model.predict([x1, x2], verbose=0)
    return model.evaluate([x1, x2], y, verbose=0)


def conv_autoencoder(keras, scale):
    """The convolutional denoising autoencoder: Conv2D/MaxPooling2D down, two strided
    Conv2DTranspose up, Adam, binary crossentropy, batch 128."""
    L = keras.layers
    x, _ = _digits(1_024 * scale, 7)
    noisy = np.clip(x + 0.4 * np.random.default_rng(8).normal(size=x.shape), 0, 1)
    noisy = noisy.astype("float32")
    inp = keras.Input((28, 28, 1))
    h = L.Conv2D(32, (3, 3), activation="relu", padding="same")(inp)
    h = L.MaxPooling2D((2, 2), padding="same")(h)
    h = L.Conv2D(32, (3, 3), activation="relu", padding="same")(h)
    h = L.MaxPooling2D((2, 2), padding="same")(h)
    h = L.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(h)
    h = L.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(h)
    out = L.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(
        x, x, epochs=2, batch_size=128, shuffle=True, validation_data=(x[:256], x[:256]), verbose=0
    )
    model.fit(noisy, x, epochs=1, batch_size=128, shuffle=True, verbose=0)
    model.predict(noisy, verbose=0)
    return model.evaluate(noisy, x, verbose=0)


TUTORIALS = {
    f.__name__: f
    for f in (
        bidirectional_lstm_imdb,
        mnist_cnn,
        hierarchical_rnn,
        addition_rnn,
        siamese_contrastive,
        conv_autoencoder,
    )
}


def child(framework: str, name: str, scale: int) -> None:
    """Runs one tutorial in this (fresh) process; prints its figures as JSON."""
    t0 = time.perf_counter()
    if framework == "keras":
        import keras
    else:
        import minikeras as keras
    keras.utils.set_random_seed(0)
    t_import = time.perf_counter() - t0
    result = TUTORIALS[name](keras, scale)
    wall = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "wall_s": wall,
                "import_s": t_import,
                "cpu_s": time.process_time(),
                "evaluate": np.asarray(result, dtype=float).tolist(),
            }
        )
    )


def run_one(python, framework, name, scale, env=None):
    """`(figures, None)` of one tutorial run in a fresh process, or `(None, error)`."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [python, os.path.abspath(__file__), "--child", framework, name, "--scale", str(scale)],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, f"{framework} {name} failed:\n{proc.stderr[-1500:]}"
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = wall
    return res, None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tutorials", nargs="*", default=list(TUTORIALS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--scale", type=int, default=1, help="multiplies the sample counts")
    parser.add_argument("--no-keras", action="store_true", help="minikeras only")
    parser.add_argument("--keras-python", help="Python with Keras 3 and JAX ($KERAS_PYTHON)")
    parser.add_argument("--json", help="also write every run's figures to this file")
    parser.add_argument("--child", nargs=2, metavar=("FRAMEWORK", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.scale)
        return 0
    common.check_names(parser, args.tutorials, TUTORIALS, "tutorial")
    kpython = None
    if not args.no_keras:
        kpython = common.keras_python_or_report(args.keras_python)
        if kpython is None:
            return 2
    mk_env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    k_env = dict(os.environ, KERAS_BACKEND="jax")
    runs = {name: {"minikeras": [], "keras": []} for name in args.tutorials}
    problems = []
    for _ in range(args.repeat):
        for name in args.tutorials:
            res, err = run_one(sys.executable, "minikeras", name, args.scale, mk_env)
            if err:
                problems.append(err)
            else:
                runs[name]["minikeras"].append(res)
            if kpython:
                res, err = run_one(kpython, "keras", name, args.scale, k_env)
                if err:
                    problems.append(err)
                else:
                    runs[name]["keras"].append(res)
            print(f"{name}: {json.dumps(runs[name])}", flush=True)
    print(
        f"\n{'tutorial':26s} {'minikeras s':>12s} {'keras3-jax s':>13s} {'speed-up':>9s}"
        f" {'minikeras CPU-s':>16s} {'keras3-jax CPU-s':>17s}"
    )
    nan = float("nan")
    for name in args.tutorials:
        best = {
            (fw, key): min((r[key] for r in rs), default=None)
            for fw, rs in runs[name].items()
            for key in ("process_wall_s", "cpu_s")
        }
        mk, k = best["minikeras", "process_wall_s"], best["keras", "process_wall_s"]
        ratio = f"{k / mk:.2f}x" if mk and k else "-"
        print(
            f"{name:26s} {mk or nan:12.1f} {k or nan:13.1f} {ratio:>9s}"
            f" {best['minikeras', 'cpu_s'] or nan:16.1f} {best['keras', 'cpu_s'] or nan:17.1f}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=2)
    for p in problems:
        print(f"\n[error] {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
