"""Isolated timing of `optimizer.apply` on the `mlp` benchmark's variables (669,706 floats).

Compares the flat-slot update (Adam, or `--sgd`: SGD with momentum 0.9) with the per-variable path (one `update_step` per
variable, what `Optimizer` does for any optimizer), interleaved so both see the same
machine load. "cold" sweeps a 64 MiB buffer before each call, as a training step's
forward and backward passes do between two updates; "warm" does not.

    python benchmarks/optimizer_apply.py [--rounds 40] [--amsgrad | --sgd [--nesterov]]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402


def _setups(args):
    from minikeras.backend.variable import Variable
    from minikeras.optimizers import SGD, Adam
    from minikeras.optimizers.base_optimizer import Optimizer

    base = SGD if args.sgd else Adam

    class PerVariable(base):
        def _update_steps(self, grads, variables, lr):
            Optimizer._update_steps(self, grads, variables, lr)

    def make(cls):
        if args.sgd:
            return cls(learning_rate=1e-3, momentum=0.9, nesterov=args.nesterov)
        return cls(learning_rate=1e-3, amsgrad=args.amsgrad)

    s = common.MLP_SIZES
    shapes = [shape for a, b in zip(s[:-1], s[1:]) for shape in ((a, b), (b,))]
    rng = np.random.default_rng(0)
    grads = [(rng.standard_normal(shape) * 0.01).astype(np.float32) for shape in shapes]
    out = {}
    for name, cls in (("per_variable", PerVariable), ("flat", base)):
        variables = [
            Variable(rng.standard_normal(shape).astype(np.float32), name=f"w{k}")
            for k, shape in enumerate(shapes)
        ]
        opt = make(cls)
        opt.apply(grads, variables)
        out[name] = (opt, variables)
    return grads, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--amsgrad", action="store_true")
    parser.add_argument("--sgd", action="store_true")
    parser.add_argument("--nesterov", action="store_true")
    args = parser.parse_args()
    grads, setups = _setups(args)
    sweep = np.ones(16 << 20, np.float32)
    times = {(mode, name): [] for mode in ("warm", "cold") for name in setups}
    for _ in range(args.rounds):
        for mode in ("warm", "cold"):
            for name, (opt, variables) in setups.items():
                for _ in range(3):
                    if mode == "cold":
                        sweep += 1
                    t0 = time.perf_counter()
                    opt.apply(grads, variables)
                    times[mode, name].append(time.perf_counter() - t0)
    figures = {}
    for (mode, name), ts in times.items():
        ts.sort()
        figures[f"{mode}_{name}_us"] = {
            "min": ts[0] * 1e6,
            "p25": ts[len(ts) // 4] * 1e6,
            "median": ts[len(ts) // 2] * 1e6,
        }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
