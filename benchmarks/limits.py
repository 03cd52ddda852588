"""Per-step accounting of the `mlp` and `lstm` training steps against their NumPy floor.

Usage (from the repository root; a script run by hand, nothing here is a test)::

    python benchmarks/limits.py                 # mlp and lstm
    python benchmarks/limits.py lstm --repeat 9
    KERAS_PYTHON=/path/to/python benchmarks/limits.py --keras   # Keras 3 (JAX) beside it

For each workload, built exactly as `run.py` builds it (`workloads.build_mlp`,
`workloads.build_lstm`), it prints:

(a) every matrix product of one training step: shape, FLOPs, the BLAS threads the
    thread policy (`backend.blas_threads`) gave it during the measured epochs of (d),
    its time on that many threads (best of N, same call and operand layouts as the
    trainer) and GFLOP/s; their sum;
(b) the step's element-wise passes (activations, loss, gathers, copies, the optimizer's
    update), each as calls x elements x bytes moved per element, set against a plain
    3-stream `np.add` of the same size measured in the same run: a pass moving `s`
    bytes per element costs at least `t_add(n) * s / 12`. For small arrays `t_add` is
    the cost of one NumPy call, so this floor also counts the calls. Transcendentals
    (exp, tanh, log, sqrt) are bound by arithmetic here: their floor is their own
    measured time. Passes over 64k elements or more also get a cache-cold floor (the
    same calls after a 64 MiB sweep), and `np.add` beyond the caches gives the DRAM rate;
(c) the NumPy floor = (a) + (b) (and with the cache-cold element-wise floor);
(d) the measured training step (`fit`, one epoch, best of N; wall and CPU time) and,
    with `--keras`, Keras 3 (JAX)'s step from `keras_reference.py` in the same run;
(e) the gap = measured - floor, and the top self-time functions of one epoch under
    cProfile, which name it.

The load average is printed at the start and the end: figures taken while other jobs
ran are not comparable.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402
from benchmarks.workloads import build_lstm, build_mlp  # noqa: E402

F32 = 4  # bytes
COLD_MIN = 1 << 16
"""Passes over at least this many elements (256 KiB per array) get a cache-cold floor
beside the warm one; smaller arrays stay in the L1/L2 caches from call to call."""


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def best_time(fn, repeat: int) -> float:
    """Smallest wall time of `fn()` over `repeat` runs, after one warm-up run."""
    fn()
    return common.best_of(fn, repeat)


# ----------------------------------------------------------------------------- products


class Product:
    """One matrix product of the step: `calls` times `(m, k) @ (k, n)`, with operands
    in the layouts the trainer uses (`a_t`/`b_t`: the operand is a transposed view)."""

    def __init__(self, label, m, k, n, calls=1, a_t=False, b_t=False, bound_dot=False):
        self.label, self.m, self.k, self.n, self.calls = label, m, k, n, calls
        self.a_t, self.b_t = a_t, b_t
        self.bound_dot = bound_dot  # the recurrences call a bound `ndarray.dot` per step

    @property
    def flops(self) -> int:
        return 2 * self.m * self.k * self.n * self.calls

    def operands(self, rng):
        a = rng.standard_normal((self.k, self.m) if self.a_t else (self.m, self.k), np.float32)
        b = rng.standard_normal((self.n, self.k) if self.b_t else (self.k, self.n), np.float32)
        return (a.T if self.a_t else a), (b.T if self.b_t else b)

    def measure(self, repeat: int, threads: int) -> float:
        """Seconds for all calls on `threads` BLAS threads, called as the trainer calls
        it: `np.matmul` (or, for the recurrences' per-step products, a bound
        `ndarray.dot` with an `out`)."""
        from minikeras.backend import blas_threads

        a, b = self.operands(np.random.default_rng(0))
        policy = blas_threads.policy()
        if policy.library is not None:
            policy.library.set_threads(threads)
            policy.current = threads
        if not self.bound_dot:

            def run():
                for _ in range(self.calls):
                    np.matmul(a, b)

        else:
            out = np.empty((self.m, self.n), np.float32)
            dot = np.ascontiguousarray(a).dot
            bc = np.ascontiguousarray(b)

            def run():
                for _ in range(self.calls):
                    dot(bc, out=out)

        return best_time(run, repeat)


def mlp_products(model, batch) -> list[Product]:
    """The DenseStack step's products (`trainers/dense_stack.py`): per Dense layer the
    forward `x @ W`, the kernel gradient `x.T @ g` and, above the first layer, the input
    gradient `g @ W.T`."""
    out = []
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")]
    for i, layer in enumerate(dense):
        k, n = layer.kernel.shape
        out.append(Product(f"L{i + 1} forward x@W", batch, k, n))
    for i, layer in reversed(list(enumerate(dense))):
        k, n = layer.kernel.shape
        out.append(Product(f"L{i + 1} kernel grad x.T@g", k, batch, n, a_t=True))
        if i:
            out.append(Product(f"L{i + 1} input grad g@W.T", batch, n, k, b_t=True))
    return out


def lstm_shapes(model, batch):
    emb, rnn, head = model.layers
    return batch, common.LSTM_SEQ, emb.output_dim, rnn.units, head.units


def lstm_products(model, batch) -> list[Product]:
    """The fused LSTM step's products (`ops/rnn_projection.py`, `ops/rnn_lstm.py`) and
    the Dense head's."""
    b, t, f, u, o = lstm_shapes(model, batch)
    g4, tb = 4 * u, t * batch
    return [
        Product("input projection K.T @ x.T", g4, f, tb, a_t=True, b_t=True),
        Product("recurrent step U.T @ h (per step)", g4, u, b, calls=t, bound_dot=True),
        Product("head forward h @ W", b, u, o),
        Product("head kernel grad h.T @ g", u, b, o, a_t=True),
        Product("head input grad g @ W.T", b, o, u, b_t=True),
        Product("recurrent step U @ dz (per step)", u, g4, b, calls=t, bound_dot=True),
        Product("recurrent kernel grad h @ dz.T", u, tb, g4, b_t=True),
        Product("projection input grad dz.T @ K.T", tb, g4, f, a_t=True, b_t=True),
        Product("projection kernel grad x.T @ dz.T", f, tb, g4, a_t=True, b_t=True),
    ]


# ----------------------------------------------------------------------------- passes


class Pass:
    """`calls` element-wise NumPy calls per step, each over `n` elements, moving
    `bytes_per` bytes per element (reads plus writes). `ufunc` names a transcendental
    (`"exp"`, `"tanh"`, `"sqrt"`): its floor is that ufunc's own measured time, since
    it is bound by arithmetic rather than memory on this hardware."""

    def __init__(self, label, calls, n, bytes_per, ufunc=None):
        self.label, self.calls, self.n, self.bytes_per = label, calls, n, bytes_per
        self.ufunc = ufunc

    @property
    def bytes(self) -> int:
        return self.calls * self.n * self.bytes_per


class Reference:
    """Best times of plain float32 ufunc calls over `n` elements, per size (cached):
    `np.add(a, b, out=c)` (3 streams, 12 bytes per element) warm, the same after a
    64 MiB sweep has evicted the operands from the caches (cold), and the
    transcendentals."""

    SWEEP = np.ones(16 << 20, np.float32)

    def __init__(self, repeat: int):
        self.repeat, self.cache = repeat, {}

    def seconds(self, n: int, ufunc="add", cold=False) -> float:
        key = (n, ufunc, cold)
        if key not in self.cache:
            a, b, c = (np.random.default_rng(0).random(n, np.float32) + 0.5 for _ in range(3))
            if ufunc == "add":
                call = lambda: np.add(a, b, out=c)  # noqa: E731
            else:
                fn = getattr(np, ufunc)
                call = lambda: fn(a, out=c)  # noqa: E731
            if cold:
                sweep = self.SWEEP

                def run():
                    np.add(sweep, 1.0, out=sweep)  # writes 64 MiB: evicts a, b, c
                    t0 = time.perf_counter()
                    call()
                    return time.perf_counter() - t0

                self.cache[key] = min(run() for _ in range(self.repeat))
            else:
                inner = max(1, 200_000 // max(n, 1))  # small arrays: time many calls

                def loop():
                    for _ in range(inner):
                        call()

                self.cache[key] = best_time(loop, self.repeat) / inner
        return self.cache[key]

    def floor(self, p: Pass, cold=False) -> float:
        """Seconds for the pass: its bytes at `np.add`'s speed for the same size, or for
        a transcendental its ufunc's own time."""
        if p.ufunc is not None:
            return p.calls * self.seconds(p.n, p.ufunc, cold)
        return p.calls * self.seconds(p.n, "add", cold) * p.bytes_per / (3 * F32)


def adam_passes(optimizer, label="Adam") -> list[Pass]:
    """Adam's update (`optimizers/adam.py`, `adam_passes`): per run of the flat slot
    buffers 9 calls (a*=, m+=, a-=v, a*=, v+=, m*alpha, sqrt, +eps, a/=b) and per
    variable 3 (g-m, g**2, w-=a): 30 float32 streams per parameter in all."""
    from minikeras.optimizers.flat_slots import MERGE_BELOW

    out = []
    for group in optimizer._flat.groups:
        for run in group.runs(MERGE_BELOW, 2):
            n = run.scratch[0].size
            # bytes per element: a*= 8, m+=a 12, a-=v 12, a*= 8, v+=a 12, m*alpha 8,
            # +eps 8, a/=b 12; then sqrt (8)
            out.append(Pass(f"{label} run of {n:,}: 8 slot passes", 1, n, 80))
            out.append(Pass(f"{label} run of {n:,}: sqrt(v)", 1, n, 8, "sqrt"))
            for pos in run.positions:
                size = int(np.prod(optimizer._flat.var_list[pos].shape))
                out.append(Pass(f"{label} var of {size:,}: g-m, g**2, w-=a", 1, size, 32))
    return out


def mlp_passes(model, batch) -> list[Pass]:
    """The DenseStack step's element-wise work besides the products."""
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")]
    sizes = [dense[0].kernel.shape[0]] + [layer.units for layer in dense]
    out = [Pass("batch gather x[idx], y[idx]", 2, batch * (sizes[0] + sizes[-1]) // 2, 8)]
    for i, layer in enumerate(dense):
        n = batch * layer.units
        out.append(Pass(f"L{i + 1} bias add z += b", 1, n, 8))
        if i < len(dense) - 1:
            out.append(Pass(f"L{i + 1} relu max(z, 0)", 1, n, 8))
            # relu VJP: mask = z > 0 (4 + 1 bytes), g * mask (4 + 1 + 4)
            out.append(Pass(f"L{i + 1} relu vjp (z > 0, g * mask)", 1, n, 14))
        out.append(Pass(f"L{i + 1} bias grad sum(g, 0)", 1, n, 4))
    n = batch * sizes[-1]
    out.append(Pass("softmax exp (batch x 10)", 1, n, 8, "exp"))
    out.append(Pass("crossentropy log (batch x 10)", 1, n, 8, "log"))
    # softmax 4 more, crossentropy parts ~7, fused vjp ~4, accuracy ~3 calls
    out.append(Pass("softmax, loss, loss vjp, accuracy (batch x 10)", 18, n, 10))
    out += adam_passes(model.optimizer)
    return out


def lstm_passes(model, batch) -> list[Pass]:
    """The fused LSTM step's element-wise work (`ops/rnn_lstm.py` forward loop: 4
    calls on `(4 units, batch)` and 7 on `(units, batch)` per step; backward loop: 1 on
    `(3 units, batch)` and 4 on `(units, batch)`; whole-sequence passes before and
    after the loops), the embedding gather and scatter, the head, and Adam."""
    b, t, f, u, o = lstm_shapes(model, batch)
    ub, tb = u * b, t * b
    return [
        Pass("batch gather x[idx], y[idx]", 1, tb, 8),
        Pass("embedding gather E[idx]", 1, tb * f, 8),
        Pass("projection: transpose copy of x", 1, tb * f, 8),
        Pass("projection: bias add", 1, 4 * u * tb, 8),
        Pass("forward step, (4u, b): z += xw_t, g / (1 + e)", 2 * t, 4 * ub, 12),
        Pass("forward step, (4u, b): e = exp(-z)", t, 4 * ub, 8, "exp"),
        Pass("forward step, (4u, b): 1 + e", t, 4 * ub, 8),
        # c*=c 8, c-=1 8, f*c 12, i*g 12, c+= 12, o*tanh(c) 12 (units x batch)
        Pass("forward step, (u, b): 6 gate/carry calls", 6 * t, ub, 10),
        Pass("forward step, (u, b): tanh(c)", t, ub, 8, "tanh"),
        Pass("output slices, zero-filled gradient, .any()", 3, 2 * u * tb, 6),
        # chain factors: sigmoid' 2 calls (20), tanh' 2 calls on a quarter (20),
        # 4 products on quarters (12 each), tanh'(c) 2 calls + k *= o (32)
        Pass("BPTT factors (all gates, all steps)", 1, 4 * u * tb, 20 + 5 + 12 + 8),
        # dh*k 12, dc+= 12, o-gate 12, dc *= f 12 on (u, b); i,f,c gates 12 on (3u, b)
        Pass("backward step, (u, b): 4 calls", 4 * t, ub, 12),
        Pass("backward step, (3u, b): dz[:3] = a * dc", t, 3 * ub, 12),
        Pass("gate-major copies of dz and h", 1, 5 * u * tb, 8),
        Pass("projection input grad: transposed store", 1, tb * f, 8),
        Pass("projection bias grad: sum", 1, 4 * u * tb, 4),
        # bins (8 write), float64 weights (4 + 8), bincount (8 + 8 + scatter)
        Pass("embedding grad: bincount", 1, tb * f, 36),
        Pass("head: sigmoid exp, BCE logs (batch x 1)", 3, b * o, 8, "exp"),
        Pass("head: bias, sigmoid, BCE, vjp, accuracy (batch x 1)", 22, b * o, 10),
        *adam_passes(model.optimizer),
    ]


# ----------------------------------------------------------------------------- steps


def fit_step(model, x, y, batch, repeat):
    """`(wall s, CPU s, threads)` per training step of a one-epoch `fit`, best of
    `repeat`; `threads` maps a product's multiply-adds to the BLAS threads the policy
    gave it most often during those epochs."""
    from collections import Counter

    from minikeras.backend import blas_threads

    model.fit(x[: 2 * batch], y[: 2 * batch], batch_size=batch, epochs=1, verbose=0)
    policy = blas_threads.policy()
    seen = Counter()
    prepare = policy.prepare

    def recording(macs):
        n = prepare(macs)
        seen[macs, n] += 1
        return n

    policy.prepare = recording
    try:
        wall, cpu = common.best_wall_cpu(
            lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0), repeat
        )
    finally:
        del policy.prepare
    threads = {}
    for (macs, n), count in seen.items():
        if count > seen.get((macs, threads.get(macs)), 0):
            threads[macs] = n
    steps = -(-len(x) // batch)
    return wall / steps, cpu / steps, threads


def profile_epoch(model, x, y, batch, top=14) -> str:
    prof = cProfile.Profile()
    prof.enable()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    prof.disable()
    s = io.StringIO()
    stats = pstats.Stats(prof, stream=s)
    stats.sort_stats("tottime").print_stats(top)
    steps = -(-len(x) // batch)
    lines = [f"  (cProfile, one epoch of {steps} steps; tottime = self time)"]
    keep = False
    for line in s.getvalue().splitlines():
        if line.strip().startswith("ncalls"):
            keep = True
        if keep and line.strip():
            lines.append("  " + line.rstrip())
    return "\n".join(lines)


WORKLOADS = {
    "mlp": (build_mlp, common.mlp_data, common.MLP_BATCH, mlp_products, mlp_passes),
    "lstm": (build_lstm, common.lstm_data, common.LSTM_BATCH, lstm_products, lstm_passes),
}


def account(name, repeat, keras_figures=None) -> dict:
    from minikeras.backend import blas_threads

    build, data, batch, products_of, passes_of = WORKLOADS[name]
    model = build()
    x, y = data()
    wall, cpu, used = fit_step(model, x, y, batch, repeat)  # also builds the slots
    print(f"\n=== {name} (batch {batch}) ===  {_load()}")

    print("(a) matrix products per step, on the BLAS threads the policy gave them in (d)")
    print(
        f"  {'product':38} {'m x k x n':>17} {'calls':>5} {'MFLOP':>8} {'thr':>3} "
        f"{'us':>8} {'GFLOP/s':>8}"
    )
    gemm_s = flops = 0
    for p in products_of(model, batch):
        macs = p.m * p.k * p.n
        threads = used.get(macs, blas_threads.decide(macs, 1, 0.0))
        secs = p.measure(repeat * 5, threads)
        gemm_s += secs
        flops += p.flops
        shape = f"{p.m}x{p.k}x{p.n}"
        print(
            f"  {p.label:38} {shape:>17} {p.calls:>5} {p.flops / 1e6:8.2f} {threads:>3} "
            f"{secs * 1e6:8.1f} {p.flops / secs / 1e9:8.1f}"
        )
    print(
        f"  {'sum':38} {'':>17} {'':>5} {flops / 1e6:8.2f} {'':>3} {gemm_s * 1e6:8.1f} "
        f"{flops / gemm_s / 1e9:8.1f}"
    )

    print(
        "(b) element-wise passes per step; floor: np.add's speed at the same size (or the "
        "ufunc's own time), warm and, for arrays of 64k elements or more, cache-cold"
    )
    ref = Reference(repeat * 5)
    print(
        f"  {'pass':50} {'calls':>5} {'elements':>9} {'B/el':>4} {'MB':>7} "
        f"{'ref':>4} {'GB/s':>6} {'floor us':>8} {'cold us':>8}"
    )
    ew_s = cold_s = moved = calls = 0
    for p in passes_of(model, batch):
        floor, cold = ref.floor(p), ref.floor(p, cold=p.n >= COLD_MIN)
        ew_s += floor
        cold_s += cold
        moved += p.bytes
        calls += p.calls
        ufunc = p.ufunc or "add"
        gbs = F32 * p.n * (2 if p.ufunc else 3) / ref.seconds(p.n, ufunc) / 1e9
        print(
            f"  {p.label:50} {p.calls:>5} {p.n:>9,} {p.bytes_per:>4} {p.bytes / 1e6:7.3f} "
            f"{ufunc:>4} {gbs:6.1f} {floor * 1e6:8.1f} {cold * 1e6:8.1f}"
        )
    print(
        f"  {'sum':50} {calls:>5} {'':>9} {'':>4} {moved / 1e6:7.3f} {'':>4} {'':>6} "
        f"{ew_s * 1e6:8.1f} {cold_s * 1e6:8.1f}"
    )
    big = 1 << 22
    print(
        f"  np.add over {big:,} floats (48 MiB, beyond the caches): "
        f"{12 * big / ref.seconds(big) / 1e9:.1f} GB/s"
    )

    floor = gemm_s + ew_s
    print(
        f"(c) NumPy floor = (a) + (b): {floor * 1e3:.3f} ms "
        f"(with cache-cold element-wise passes: {(gemm_s + cold_s) * 1e3:.3f} ms)"
    )
    print(
        f"(d) measured step, fit (best of {repeat} epochs): {wall * 1e3:.3f} ms wall, "
        f"{cpu * 1e3:.3f} ms CPU"
    )
    fig = {
        "elementwise_cold_floor_ms": cold_s * 1e3,
        "gemm_ms": gemm_s * 1e3,
        "gemm_gflops": flops / gemm_s / 1e9,
        "elementwise_floor_ms": ew_s * 1e3,
        "elementwise_mb": moved / 1e6,
        "floor_ms": floor * 1e3,
        "step_ms": wall * 1e3,
        "step_cpu_ms": cpu * 1e3,
    }
    if keras_figures and name in keras_figures:
        k = keras_figures[name]
        steps = -(-len(x) // batch)
        fig["keras_step_ms"] = k["epoch_s"] / steps * 1e3
        fig["keras_step_cpu_ms"] = len(x) / k["samples_per_cpu_s"] / steps * 1e3
        print(
            f"    Keras 3 (JAX), same run: {fig['keras_step_ms']:.3f} ms wall, "
            f"{fig['keras_step_cpu_ms']:.3f} ms CPU; minikeras / Keras wall time "
            f"{wall * 1e3 / fig['keras_step_ms']:.2f}"
        )
    gap = wall - floor
    print(
        f"(e) gap = measured - floor: {gap * 1e3:.3f} ms wall ({100 * gap / wall:.0f} % of "
        f"the step), {(cpu - floor) * 1e3:.3f} ms CPU"
    )
    print(profile_epoch(model, x, y, batch))
    print(f"  {_load()}")
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS), help="mlp, lstm")
    parser.add_argument("--repeat", type=int, default=5, help="best of N (products: 5N)")
    parser.add_argument("--keras", action="store_true", help="also Keras 3 (JAX) via run.py")
    parser.add_argument("--keras-python", help="default: $KERAS_PYTHON")
    args = parser.parse_args(argv)
    common.check_names(parser, args.workloads, WORKLOADS)
    print(f"start: {_load()}, {os.cpu_count()} CPUs")
    keras = None
    if args.keras:
        from benchmarks.run import run_keras

        python = common.keras_python_or_report(args.keras_python)
        if python is None:
            return 2
        keras, problem = run_keras(args.workloads, args.repeat, python)
        if problem:
            print(f"[keras] {problem}", file=sys.stderr)
            return 1
        print(f"Keras 3 (JAX) ran first: {_load()}")
    for name in args.workloads:
        account(name, args.repeat, keras)
    print(f"\nend: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
