"""Framework-neutral pieces of the benchmarks: data, timing, the GEMM bound.

Imported by `run.py` (minikeras) and `keras_reference.py` (real Keras), so it
must import nothing but NumPy and the standard library.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

# ----------------------------------------------------------------------------- sizes

XOR_STEPS = 500
MLP_SAMPLES = 12_800
MLP_BATCH = 128
MLP_SIZES = (784, 512, 512, 10)
CNN_SAMPLES = 1_280
CNN_BATCH = 128
LSTM_SAMPLES = 1_280
LSTM_BATCH = 64
LSTM_VOCAB = 1_000
LSTM_SEQ = 80
PREDICT1_CALLS = 2_000
IMDB_SAMPLES = 320
IMDB_BATCH = 32
IMDB_VOCAB = 20_000
IMDB_SEQ = 200
PREDICT_BATCH_SAMPLES = 10_000
TRANSFORMER_SAMPLES = 640
TRANSFORMER_BATCH = 32
TRANSFORMER_VOCAB = 1_000
TRANSFORMER_SEQ = 64
TRANSFORMER_DIM = 64
TRANSFORMER_HEADS = 2
TRANSFORMER_FF = 64
PREDICT_BATCH = 1_024
COMPETITORS = 2
COMPETITOR_MAX_S = 600.0


# ----------------------------------------------------------------------------- data


def xor_data():
    """The book's four XOR samples (int64 inputs, as the listing passes them)."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    return x, y


def _one_hot(labels, n):
    out = np.zeros((len(labels), n), dtype=np.float32)
    out[np.arange(len(labels)), labels] = 1.0
    return out


def mlp_data(n=MLP_SAMPLES, seed=0):
    """Synthetic MNIST-shaped data: float32 `x` in [0, 1), one-hot `y`."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, MLP_SIZES[0]), dtype=np.float32)
    y = _one_hot(rng.integers(0, MLP_SIZES[-1], n), MLP_SIZES[-1])
    return x, y


def cnn_data(n=CNN_SAMPLES, seed=0):
    """Synthetic MNIST images (n, 28, 28, 1) and one-hot labels."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = _one_hot(rng.integers(0, 10, n), 10)
    return x, y


def lstm_data(n=LSTM_SAMPLES, seed=0):
    """Synthetic token ids (n, 80) in [0, 1000) and 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, LSTM_VOCAB, (n, LSTM_SEQ)).astype(np.int32)
    y = rng.integers(0, 2, (n, 1)).astype(np.float32)
    return x, y


def imdb_data(n=IMDB_SAMPLES, seed=0):
    """Synthetic IMDB-shaped reviews: int32 token ids (n, 200) in [0, 20000), 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, IMDB_VOCAB, (n, IMDB_SEQ)).astype(np.int32)
    y = rng.integers(0, 2, (n, 1)).astype(np.float32)
    return x, y


def transformer_data(n=TRANSFORMER_SAMPLES, seed=0):
    """Synthetic token ids (n, 64) in [0, 1000) and 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, TRANSFORMER_VOCAB, (n, TRANSFORMER_SEQ)).astype(np.int32)
    y = rng.integers(0, 2, (n, 1)).astype(np.float32)
    return x, y


def build_transformer(keras):
    """Keras's text-classification-with-transformer example at the sizes above, built
    with `keras` (real Keras or minikeras: the same code for both): token and position
    embeddings, one encoder block (MultiHeadAttention, residual + LayerNormalization,
    feed-forward Dense pair, residual + LayerNormalization), average pooling, a sigmoid
    head; Adam."""
    L, ops = keras.layers, keras.ops

    class TokenAndPositionEmbedding(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.token_emb = L.Embedding(TRANSFORMER_VOCAB, TRANSFORMER_DIM)
            self.pos_emb = L.Embedding(TRANSFORMER_SEQ, TRANSFORMER_DIM)

        def call(self, x):
            positions = self.pos_emb(ops.arange(0, TRANSFORMER_SEQ, 1))
            return self.token_emb(x) + positions

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(TRANSFORMER_SEQ,), dtype="int32")
    h = TokenAndPositionEmbedding()(inputs)
    attn = L.MultiHeadAttention(TRANSFORMER_HEADS, TRANSFORMER_DIM // TRANSFORMER_HEADS)(h, h)
    h = L.LayerNormalization(epsilon=1e-6)(h + L.Dropout(0.1)(attn))
    ff = L.Dense(TRANSFORMER_DIM)(L.Dense(TRANSFORMER_FF, activation="relu")(h))
    h = L.LayerNormalization(epsilon=1e-6)(h + L.Dropout(0.1)(ff))
    h = L.GlobalAveragePooling1D()(h)
    outputs = L.Dense(1, activation="sigmoid")(L.Dropout(0.1)(h))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def transformer(keras, repeat):
    """One `fit` epoch of `build_transformer(keras)` (batch 32), wall and CPU time."""
    model = build_transformer(keras)
    x, y = transformer_data()
    b = TRANSFORMER_BATCH
    model.fit(x[: 2 * b], y[: 2 * b], batch_size=b, epochs=1, verbose=0)
    secs, cpu = best_wall_cpu(lambda: model.fit(x, y, batch_size=b, epochs=1, verbose=0), repeat)
    return {"samples_per_s": len(x) / secs, "epoch_s": secs, "samples_per_cpu_s": len(x) / cpu}


# ----------------------------------------------------------------------------- load


_BUSY_LOOP = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end:\n    pass\n"


def start_competitors(n=COMPETITORS, seconds=COMPETITOR_MAX_S) -> list:
    """Starts `n` CPU-bound busy-loop processes that end by themselves after `seconds`."""
    return [
        subprocess.Popen([sys.executable, "-c", _BUSY_LOOP.format(s=float(seconds))])
        for _ in range(n)
    ]


def stop_competitors(procs) -> None:
    for p in procs:
        p.kill()
    for p in procs:
        p.wait()


def with_competitors(fn, n=COMPETITORS, seconds=COMPETITOR_MAX_S):
    """Runs `fn()` while `n` busy-loop processes compete for the CPUs; returns its result."""
    procs = start_competitors(n, seconds)
    try:
        time.sleep(0.5)  # let them start spinning
        return fn()
    finally:
        stop_competitors(procs)


# ----------------------------------------------------------------------------- timing


def best_of(fn, repeat=3):
    """Runs `fn()` `repeat` times; returns the smallest wall time in seconds."""
    return best_wall_cpu(fn, repeat)[0]


def best_wall_cpu(fn, repeat=3):
    """Runs `fn()` `repeat` times; returns `(best wall seconds, best process-CPU seconds)`.

    On a shared machine the CPU time is the steadier figure for single-threaded
    work (`--threads 1`): it does not count time the process spent preempted.
    """
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu


def mlp_gemm_seconds(n_batches=MLP_SAMPLES // MLP_BATCH, batch=MLP_BATCH, repeat=3):
    """Time of only the GEMMs one MLP training epoch needs, with preallocated outputs.

    Per batch: 3 forward products, 3 kernel gradients (`x.T @ g`) and 2 input
    gradients (`g @ W.T`; the first layer's is not needed) — 8 GEMMs.

    Returns:
        `(wall_seconds_per_epoch, cpu_seconds_per_epoch, gflop_per_epoch)`.
    """
    rng = np.random.default_rng(1)
    sizes = MLP_SIZES
    ws = [
        rng.standard_normal((a, b), dtype=np.float32) * 0.05 for a, b in zip(sizes[:-1], sizes[1:])
    ]
    acts = [rng.random((batch, s), dtype=np.float32) for s in sizes]
    grads = [rng.standard_normal((batch, s), dtype=np.float32) for s in sizes]
    w_out = [np.empty_like(w) for w in ws]
    flops = 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        flops += 2 * 2 * batch * a * b  # forward + kernel gradient
    for a, b in zip(sizes[1:-1], sizes[2:]):
        flops += 2 * batch * a * b  # input gradients of layers 2..n
    n_layers = len(ws)

    def epoch():
        for _ in range(n_batches):
            for i in range(n_layers):
                np.matmul(acts[i], ws[i], out=acts[i + 1])
            for i in reversed(range(n_layers)):
                np.matmul(acts[i].T, grads[i + 1], out=w_out[i])
                if i:
                    np.matmul(grads[i + 1], ws[i].T, out=grads[i])

    epoch()
    wall, cpu = best_wall_cpu(epoch, repeat)
    return wall, cpu, flops * n_batches / 1e9


def mlp_memory_budget_bytes(n=MLP_SAMPLES, batch=MLP_BATCH, optimizer_slots=2) -> dict:
    """The issue's memory budget for `mlp`: data + params + optimizer state + activations.

    One batch's activations are counted as the input batch plus, per Dense
    layer, its pre-activation and its activation output.
    """
    sizes = MLP_SIZES
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    data = n * (sizes[0] + sizes[-1])
    acts = batch * (sizes[0] + 2 * sum(sizes[1:]))
    parts = {
        "data": data * 4,
        "params": params * 4,
        "optimizer_state": optimizer_slots * params * 4,
        "activations": acts * 4,
    }
    parts["total"] = sum(parts.values())
    return parts


def run_child(argv, env=None) -> tuple[float, float, str]:
    """Runs a fresh Python process; returns (wall seconds, peak RSS MiB, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child {argv} failed:\n{err.decode(errors='replace')}")
    # The child reports its own peak RSS (VmHWM) on its last line.
    lines = out.decode().strip().splitlines()
    rss_mib = float(lines[-1].split("=", 1)[1]) if lines and lines[-1].startswith("rss=") else 0
    return wall, rss_mib, out.decode()


def coldstart_env(tmpdir) -> dict:
    """Environment of a cold-start child: bytecode caching on (as for an installed
    package), cached under `tmpdir` so the source tree is left untouched."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(str(tmpdir), "pycache")
    return env


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB (Linux `ru_maxrss` is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


KERAS_PYTHON_HELP = (
    "`--keras` runs benchmarks/keras_reference.py in a Python that has Keras 3 and JAX. "
    "Point it at one with `KERAS_PYTHON=/path/to/venv/bin/python python benchmarks/run.py "
    "--keras` or `--keras-python /path/to/venv/bin/python`; to make one: "
    "`python -m venv kvenv && kvenv/bin/pip install keras jax`."
)


def keras_python(explicit=None):
    """The interpreter for Keras runs: `explicit`, else `$KERAS_PYTHON`.

    Returns:
        `(path, None)`, or `(None, message)` saying what is wrong and how to fix it.
    """
    path = explicit or os.environ.get("KERAS_PYTHON")
    if not path:
        return None, "No Keras interpreter given. " + KERAS_PYTHON_HELP
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return None, f"The Keras interpreter {path!r} is not an executable file. " + (
            KERAS_PYTHON_HELP
        )
    return path, None


def keras_python_or_report(explicit=None):
    """`keras_python(explicit)`'s path, or None after printing what is wrong to stderr
    (the caller then exits with status 2)."""
    path, problem = keras_python(explicit)
    if problem:
        print(f"[keras] {problem}", file=sys.stderr)
    return path


def check_names(parser, names, known, what: str = "workload") -> None:
    """Stops the script with argparse's usage error when a name is not one of `known`."""
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"unknown {what}(s) {unknown}; choose from {list(known)}")


def dataset_figures(model, ds, x, y, repeat):
    """The `dataset` workload's timing: `fit` on `ds` and on the same arrays, alternated so
    both see the same load; samples/s of each and their ratio."""
    model.fit(ds.take(10), epochs=1, verbose=0)
    arrays_s = dataset_s = float("inf")
    for _ in range(repeat):
        arrays_s = min(
            arrays_s,
            best_of(lambda: model.fit(x, y, batch_size=MLP_BATCH, epochs=1, verbose=0), 1),
        )
        dataset_s = min(dataset_s, best_of(lambda: model.fit(ds, epochs=1, verbose=0), 1))
    return {
        "samples_per_s": len(x) / dataset_s,
        "arrays_samples_per_s": len(x) / arrays_s,
        "dataset_to_arrays": arrays_s / dataset_s,
    }
