"""The benchmark workloads on minikeras (see `run.py` for the command line).

Every workload returns a dict of figures; times are the best of `repeat` runs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from benchmarks import common

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _mk():
    import minikeras

    minikeras.utils.set_random_seed(0)
    return minikeras


def build_xor():
    mk = _mk()
    from minikeras.layers import Activation, Dense
    from minikeras.models import Sequential
    from minikeras.optimizers import SGD

    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    model.compile(
        loss="binary_crossentropy", optimizer=SGD(learning_rate=0.1), metrics=["accuracy"]
    )
    del mk
    return model


def build_mlp(optimizer="adam"):
    _mk()
    from minikeras.layers import Dense, Input
    from minikeras.models import Sequential

    s = common.MLP_SIZES
    model = Sequential(
        [
            Input(shape=(s[0],)),
            Dense(s[1], activation="relu"),
            Dense(s[2], activation="relu"),
            Dense(s[3], activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def xor(repeat=3):
    """The book's XOR net: SGD, batch 4, 500 steps (`fit(epochs=500)`) and `train_on_batch`."""
    x, y = common.xor_data()
    model = build_xor()
    model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    fit_s, fit_cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, epochs=common.XOR_STEPS, batch_size=4, verbose=0), repeat
    )

    def tob():
        for _ in range(common.XOR_STEPS):
            model.train_on_batch(x, y)

    tob_s, tob_cpu = common.best_wall_cpu(tob, repeat)
    n = common.XOR_STEPS
    return {
        "fit_us_per_step": fit_s / n * 1e6,
        "fit_cpu_us_per_step": fit_cpu / n * 1e6,
        "train_on_batch_us_per_step": tob_s / n * 1e6,
        "train_on_batch_cpu_us_per_step": tob_cpu / n * 1e6,
    }


def mlp(repeat=3):
    """784-512-512-10 relu/softmax, Adam, batch 128, 12,800 samples, one epoch per run."""
    x, y = common.mlp_data()
    model = build_mlp()
    model.fit(x[:1280], y[:1280], batch_size=common.MLP_BATCH, epochs=1, verbose=0)
    # Training epochs and GEMM-only epochs alternate so that both see the same load.
    secs = cpu = gemm_s = gemm_cpu = float("inf")
    for _ in range(repeat):
        w, c = common.best_wall_cpu(
            lambda: model.fit(x, y, batch_size=common.MLP_BATCH, epochs=1, verbose=0), 1
        )
        gw, gc, gflop = common.mlp_gemm_seconds(repeat=1)
        secs, cpu, gemm_s, gemm_cpu = min(secs, w), min(cpu, c), min(gemm_s, gw), min(gemm_cpu, gc)
    weights_f32 = all(w.dtype == np.float32 for w in model.weights)
    return {
        "samples_per_s": len(x) / secs,
        "epoch_s": secs,
        "gemm_only_epoch_s": gemm_s,
        "gemm_bound_samples_per_s": len(x) / gemm_s,
        "gemm_gflops": gflop / gemm_s,
        "fraction_of_gemm_bound": gemm_s / secs,
        "samples_per_cpu_s": len(x) / cpu,
        "fraction_of_gemm_bound_cpu": gemm_cpu / cpu,
        "weights_float32": weights_f32,
    }


def mlp_memory():
    """Peak NumPy/Python heap (tracemalloc) of one `mlp` epoch, data creation included."""
    budget = common.mlp_memory_budget_bytes()
    tracemalloc.start()
    x, y = common.mlp_data()
    model = build_mlp()
    model.fit(x, y, batch_size=common.MLP_BATCH, epochs=1, verbose=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "peak_mib": peak / 2**20,
        "budget_mib": budget["total"] / 2**20,
        "ratio_to_budget": peak / budget["total"],
        "budget_parts_mib": {k: v / 2**20 for k, v in budget.items() if k != "total"},
    }


def predict1(repeat=3):
    """Single-sample latency on the MLP: `predict`, `predict_on_batch` and `model(x)`."""
    x, _ = common.mlp_data(n=1)
    model = build_mlp()
    n = common.PREDICT1_CALLS
    out = {}
    for name, fn in (
        ("predict_us", lambda: model.predict(x, verbose=0)),
        ("predict_on_batch_us", lambda: model.predict_on_batch(x)),
        ("call_us", lambda: model(x)),
    ):
        for _ in range(20):
            fn()

        def loop(fn=fn):
            for _ in range(n):
                fn()

        wall, cpu = common.best_wall_cpu(loop, repeat)
        out[name] = wall / n * 1e6
        out[name.replace("_us", "_cpu_us")] = cpu / n * 1e6
    return out


def dataset(repeat=3):
    """The `mlp` fit fed by `Dataset`: from_tensor_slices -> shuffle -> map -> batch.

    Plain-array epochs and dataset epochs alternate so both see the same load.
    """
    from minikeras.data import AUTOTUNE, Dataset

    x, y = common.mlp_data()
    model = build_mlp()
    ds = (
        Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=0)
        .map(lambda a, b: (a * 1.0, b), num_parallel_calls=AUTOTUNE)
        .batch(common.MLP_BATCH)
        .prefetch(AUTOTUNE)
    )
    return common.dataset_figures(model, ds, x, y, repeat)


def _missing(*names):
    import minikeras.layers as L

    return [n for n in names if not hasattr(L, n)]


def cnn(repeat=3):
    """Keras's mnist_convnet, Adam, batch 128, on synthetic images."""
    missing = _missing("Conv2D", "MaxPooling2D")
    if missing:
        return {"skipped": f"minikeras.layers has no {', '.join(missing)} yet"}
    _mk()
    from minikeras import layers as L
    from minikeras.models import Sequential

    model = Sequential(
        [
            L.Input(shape=(28, 28, 1)),
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


def build_lstm():
    """Embedding(1000, 32) + LSTM(32) + Dense(1, sigmoid), Adam, binary crossentropy."""
    _mk()
    from minikeras import layers as L
    from minikeras.models import Sequential

    model = Sequential(
        [
            L.Input(shape=(common.LSTM_SEQ,), dtype="int32"),
            L.Embedding(common.LSTM_VOCAB, 32),
            L.LSTM(32),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def lstm(repeat=3):
    """Embedding(1000, 32) + LSTM(32) + Dense(1, sigmoid); seq 80, batch 64."""
    missing = _missing("Embedding", "LSTM")
    if missing:
        return {"skipped": f"minikeras.layers has no {', '.join(missing)} yet"}
    model = build_lstm()
    x, y = common.lstm_data()
    model.fit(x[:128], y[:128], batch_size=common.LSTM_BATCH, epochs=1, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.fit(x, y, batch_size=common.LSTM_BATCH, epochs=1, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "epoch_s": secs, "samples_per_cpu_s": len(x) / cpu}


def loaded(repeat=3):
    """The `mlp` epoch while two busy-loop processes (started here, bounded in time)
    compete for the CPUs: default thread policy and one BLAS thread, alternated."""
    import minikeras

    x, y = common.mlp_data()
    model = build_mlp()
    model.fit(x[:1280], y[:1280], batch_size=common.MLP_BATCH, epochs=1, verbose=0)
    before = minikeras.config.get_num_threads()

    def epoch():
        model.fit(x, y, batch_size=common.MLP_BATCH, epochs=1, verbose=0)

    def run():
        default = single = float("inf")
        for _ in range(repeat):
            default = min(default, common.best_of(epoch, 1))
            minikeras.config.set_num_threads(1)
            try:
                single = min(single, common.best_of(epoch, 1))
            finally:
                minikeras.config.set_num_threads(before)
        return default, single

    default, single = common.with_competitors(run)
    return {
        "samples_per_s": len(x) / default,
        "threads1_samples_per_s": len(x) / single,
        "slowdown_vs_threads1": default / single,
        "competitors": common.COMPETITORS,
        "load_average_1min": os.getloadavg()[0],
    }


def build_bidirectional_lstm_imdb():
    """Keras's bidirectional-LSTM IMDB example: Embedding(20000, 128), two
    Bidirectional(LSTM(64)) (the first with `return_sequences`), Dense(1, sigmoid)."""
    mk = _mk()
    from minikeras import layers as L

    inputs = L.Input(shape=(None,), dtype="int32")
    h = L.Embedding(common.IMDB_VOCAB, 128)(inputs)
    h = L.Bidirectional(L.LSTM(64, return_sequences=True))(h)
    h = L.Bidirectional(L.LSTM(64))(h)
    outputs = L.Dense(1, activation="sigmoid")(h)
    model = mk.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def bidirectional_lstm_imdb(repeat=3):
    """One epoch of the bidirectional-LSTM IMDB example (seq 200, batch 32) and an
    `evaluate` over the same samples."""
    missing = _missing("Embedding", "LSTM", "Bidirectional")
    if missing:
        return {"skipped": f"minikeras.layers has no {', '.join(missing)} yet"}
    model = build_bidirectional_lstm_imdb()
    x, y = common.imdb_data()
    b = common.IMDB_BATCH
    model.fit(x[: 2 * b], y[: 2 * b], batch_size=b, epochs=1, verbose=0)
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


def predict_batch(repeat=3):
    """`predict` of the `mlp` over 10,000 samples in batches of 1,024."""
    model = build_mlp()
    x, _ = common.mlp_data(n=common.PREDICT_BATCH_SAMPLES)
    model.predict(x[:2048], batch_size=common.PREDICT_BATCH, verbose=0)
    secs, cpu = common.best_wall_cpu(
        lambda: model.predict(x, batch_size=common.PREDICT_BATCH, verbose=0), repeat
    )
    return {"samples_per_s": len(x) / secs, "predict_s": secs, "samples_per_cpu_s": len(x) / cpu}


def transformer(repeat=3):
    """`common.build_transformer`: one MultiHeadAttention encoder block, seq 64, dim 64."""
    missing = _missing("MultiHeadAttention", "LayerNormalization", "GlobalAveragePooling1D")
    if missing:
        return {"skipped": f"minikeras.layers has no {', '.join(missing)} yet"}
    return common.transformer(_mk(), repeat)


def save_coldstart_model(directory) -> dict:
    """Saves the MLP as a full `.h5` model when possible, else JSON + `.h5` weights."""
    model = build_mlp()
    x, _ = common.mlp_data(n=1)
    model.predict(x, verbose=0)
    paths = {"h5": os.path.join(directory, "mlp.h5")}
    try:
        model.save(paths["h5"])
    except NotImplementedError:
        paths = {
            "json": os.path.join(directory, "mlp.json"),
            "weights": os.path.join(directory, "mlp_weights.h5"),
        }
        with open(paths["json"], "w") as f:
            f.write(model.to_json())
        model.save_weights(paths["weights"])
    return paths


def coldstart(repeat=3):
    """Fresh process: `import minikeras`, load the saved MLP, predict one sample."""
    with tempfile.TemporaryDirectory() as d:
        paths = save_coldstart_model(d)
        child = os.path.join(REPO, "benchmarks", "coldstart_child.py")
        argv = [sys.executable, child, "minikeras", *[f"{k}={v}" for k, v in paths.items()]]
        env = common.coldstart_env(d)
        env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
        floor = [sys.executable, "-c", "import numpy, h5py"]
        common.run_child(argv, env)  # warm-up: fills the bytecode cache, like an install
        common.run_child(floor, env)
        runs, floors = [], []
        for _ in range(repeat):  # alternated, so that both see the same load
            runs.append(common.run_child(argv, env))
            floors.append(common.run_child(floor, env)[0])
    import_s = min(float(r[2].split("import_s=")[1].split()[0]) for r in runs)
    return {
        "wall_s": min(r[0] for r in runs),
        "peak_rss_mib": min(r[1] for r in runs),
        "import_s": import_s,
        # A process that only imports NumPy and h5py: the part of the cold start that
        # is not minikeras's.
        "numpy_h5py_wall_s": min(floors),
        "format": "+".join(sorted(paths)),
    }


WORKLOADS = {
    "xor": xor,
    "mlp": mlp,
    "mlp_memory": mlp_memory,
    "predict1": predict1,
    "cnn": cnn,
    "lstm": lstm,
    "coldstart": coldstart,
    "loaded": loaded,
    "bidirectional_lstm_imdb": bidirectional_lstm_imdb,
    "predict_batch": predict_batch,
    "dataset": dataset,
    "transformer": transformer,
}


def timed(name, repeat):
    t0 = time.perf_counter()
    fn = WORKLOADS[name]
    res = fn() if name == "mlp_memory" else fn(repeat=repeat)
    res["bench_wall_s"] = time.perf_counter() - t0
    return res
