"""The benchmark workloads in real Keras 3, for side-by-side figures.

Run with an interpreter that has Keras (never imported by minikeras or its tests)::

    KERAS_BACKEND=jax $KERAS_PYTHON benchmarks/keras_reference.py xor mlp

Prints one JSON object (workload -> figures) on its last line; `run.py --keras`
calls it and prints ratios.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402


def build_xor():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(10),
            keras.layers.Activation("tanh"),
            keras.layers.Dense(1),
            keras.layers.Activation("sigmoid"),
        ]
    )
    model.compile(
        loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1), metrics=["accuracy"]
    )
    return model


def build_mlp():
    keras.utils.set_random_seed(0)
    s = common.MLP_SIZES
    model = keras.Sequential(
        [
            keras.Input((s[0],)),
            keras.layers.Dense(s[1], activation="relu"),
            keras.layers.Dense(s[2], activation="relu"),
            keras.layers.Dense(s[3], activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def xor(repeat):
    x, y = common.xor_data()
    model = build_xor()
    model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    fit_s = common.best_of(
        lambda: model.fit(x, y, epochs=common.XOR_STEPS, batch_size=4, verbose=0), repeat
    )
    model.train_on_batch(x, y)

    def tob():
        for _ in range(common.XOR_STEPS):
            model.train_on_batch(x, y)

    tob_s = common.best_of(tob, repeat)
    return {
        "fit_us_per_step": fit_s / common.XOR_STEPS * 1e6,
        "train_on_batch_us_per_step": tob_s / common.XOR_STEPS * 1e6,
    }


def mlp(repeat):
    x, y = common.mlp_data()
    model = build_mlp()
    model.fit(x[:1280], y[:1280], batch_size=common.MLP_BATCH, epochs=1, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, batch_size=common.MLP_BATCH, epochs=1, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "epoch_s": secs, "samples_per_cpu_s": len(x) / cpu}


def predict1(repeat):
    x, _ = common.mlp_data(n=1)
    model = build_mlp()
    n = 200
    out = {}
    for name, fn in (
        ("predict_us", lambda: model.predict(x, verbose=0)),
        ("predict_on_batch_us", lambda: model.predict_on_batch(x)),
        ("call_us", lambda: np.asarray(model(x))),
    ):
        for _ in range(10):
            fn()

        def loop(fn=fn):
            for _ in range(n):
                fn()

        out[name] = common.best_of(loop, repeat) / n * 1e6
    return out


def cnn(repeat):
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(32, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x, y = common.cnn_data()
    model.fit(x[:256], y[:256], batch_size=common.CNN_BATCH, epochs=1, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, batch_size=common.CNN_BATCH, epochs=1, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "epoch_s": secs, "samples_per_cpu_s": len(x) / cpu}


def lstm(repeat):
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((common.LSTM_SEQ,), dtype="int32"),
            L.Embedding(common.LSTM_VOCAB, 32),
            L.LSTM(32),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = common.lstm_data()
    model.fit(x[:128], y[:128], batch_size=common.LSTM_BATCH, epochs=1, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, batch_size=common.LSTM_BATCH, epochs=1, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "epoch_s": secs, "samples_per_cpu_s": len(x) / cpu}


def loaded(repeat):
    """The `mlp` epoch while two busy-loop processes compete for the CPUs."""
    x, y = common.mlp_data()
    model = build_mlp()
    model.fit(x[:1280], y[:1280], batch_size=common.MLP_BATCH, epochs=1, verbose=0)
    secs = common.with_competitors(
        lambda: common.best_of(
            lambda: model.fit(x, y, batch_size=common.MLP_BATCH, epochs=1, verbose=0), repeat
        )
    )
    return {
        "samples_per_s": len(x) / secs,
        "competitors": common.COMPETITORS,
        "load_average_1min": os.getloadavg()[0],
    }


def bidirectional_lstm_imdb(repeat):
    keras.utils.set_random_seed(0)
    L = keras.layers
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = L.Embedding(common.IMDB_VOCAB, 128)(inputs)
    h = L.Bidirectional(L.LSTM(64, return_sequences=True))(h)
    h = L.Bidirectional(L.LSTM(64))(h)
    model = keras.Model(inputs, L.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = common.imdb_data()
    b = common.IMDB_BATCH
    model.fit(x[: 2 * b], y[: 2 * b], batch_size=b, epochs=1, verbose=0)
    model.evaluate(x[: 2 * b], y[: 2 * b], batch_size=b, verbose=0)
    fit_s, fit_cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, batch_size=b, epochs=1, verbose=0), repeat
    )
    eval_s, eval_cpu = common.best_wall_cpu(
        lambda: model.evaluate(x, y, batch_size=b, verbose=0), repeat
    )
    return {
        "samples_per_s": len(x) / fit_s,
        "epoch_s": fit_s,
        "samples_per_cpu_s": len(x) / fit_cpu,
        "evaluate_samples_per_s": len(x) / eval_s,
        "evaluate_samples_per_cpu_s": len(x) / eval_cpu,
    }


def predict_batch(repeat):
    model = build_mlp()
    x, _ = common.mlp_data(n=common.PREDICT_BATCH_SAMPLES)
    model.predict(x[:2048], batch_size=common.PREDICT_BATCH, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.predict(x, batch_size=common.PREDICT_BATCH, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "predict_s": secs, "samples_per_cpu_s": len(x) / cpu}


def coldstart(repeat):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "mlp.h5")
        build_mlp().save(path)
        child = os.path.join(REPO, "benchmarks", "coldstart_child.py")
        env = dict(common.coldstart_env(d), KERAS_BACKEND="jax")
        argv = [sys.executable, child, "keras", f"h5={path}"]
        common.run_child(argv, env)  # warm-up: bytecode and JAX caches
        runs = [common.run_child(argv, env) for _ in range(repeat)]
    import_s = min(float(r[2].split("import_s=")[1].split()[0]) for r in runs)
    return {
        "wall_s": min(r[0] for r in runs),
        "peak_rss_mib": min(r[1] for r in runs),
        "import_s": import_s,
        "format": "h5",
    }


def transformer(repeat):
    return common.transformer(keras, repeat)


def dataset(repeat):
    """The `mlp` fit fed by tf.data (from_tensor_slices -> shuffle -> map -> batch), as
    minikeras' `dataset` workload; Keras 3 on JAX iterates a tf.data pipeline natively."""
    import tensorflow as tf

    x, y = common.mlp_data()
    model = build_mlp()
    ds = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=0)
        .map(lambda a, b: (a * 1.0, b), num_parallel_calls=tf.data.AUTOTUNE)
        .batch(common.MLP_BATCH)
        .prefetch(tf.data.AUTOTUNE)
    )
    return common.dataset_figures(model, ds, x, y, repeat)


WORKLOADS = {
    "xor": xor,
    "mlp": mlp,
    "predict1": predict1,
    "cnn": cnn,
    "lstm": lstm,
    "coldstart": coldstart,
    "loaded": loaded,
    "bidirectional_lstm_imdb": bidirectional_lstm_imdb,
    "predict_batch": predict_batch,
    "transformer": transformer,
    "dataset": dataset,
}


def main() -> None:
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    names = [a for a in (args or list(WORKLOADS)) if a in WORKLOADS]
    results = {name: WORKLOADS[name](repeat) for name in names}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
