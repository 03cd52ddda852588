"""Times forward + backward of LSTM / GRU / SimpleRNN(64) on a (32, 50, 16) batch.

Compares the fused whole-sequence BPTT kernels (the default path) with the
generic step-by-step path (one tape node per op per timestep), which runs when
a cell's `call` is overridden.

Run from the repository root:  python3 benchmarks/rnn_fused_vs_step.py [--repeats N]
(BLAS is limited to one thread unless OPENBLAS_NUM_THREADS is set: these matmuls are
small, and threads only add contention.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from minikeras import layers, ops  # noqa: E402
from minikeras.backend.autodiff import GradientTape  # noqa: E402


def _step_cell(cell_cls):
    class StepCell(cell_cls):
        def call(self, inputs, states, training=False):
            return super().call(inputs, states, training=training)

    return StepCell


def time_layer(layer, x, repeats):
    times = []
    for _ in range(repeats + 1):  # first run warms up
        t0 = time.perf_counter()
        with GradientTape() as tape:
            loss = ops.sum(ops.square(layer(x, training=True)))
        grads = tape.gradient(loss, layer.trainable_weights)
        times.append(time.perf_counter() - t0)
        assert all(g is not None for g in grads)
    return statistics.median(times[1:]) * 1e3, min(times[1:]) * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    x = np.random.default_rng(0).standard_normal((32, 50, 16)).astype("float32")
    print(
        f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"input (32, 50, 16), units 64, forward + backward, median / min of {args.repeats} runs")
    for name, layer_cls, cell_cls in [
        ("LSTM", layers.LSTM, layers.LSTMCell),
        ("GRU", layers.GRU, layers.GRUCell),
        ("SimpleRNN", layers.SimpleRNN, layers.SimpleRNNCell),
    ]:
        fused = layer_cls(64, return_sequences=True)
        fused.build(x.shape)
        step = layers.RNN(_step_cell(cell_cls)(64), return_sequences=True)
        step.build(x.shape)
        step.set_weights(fused.get_weights())
        f_med, f_min = time_layer(fused, x, args.repeats)
        s_med, s_min = time_layer(step, x, max(3, args.repeats // 4))
        print(
            f"{name:9s} fused: {f_med:7.2f} ms (min {f_min:6.2f})   step-by-step: "
            f"{s_med:7.2f} ms (min {s_min:6.2f})   speed-up x{s_med / f_med:.1f}"
        )


if __name__ == "__main__":
    main()
