"""Long loader-fuzzing campaign (the pytest part runs a short deterministic slice).

Usage: python scripts/fuzz_loaders.py [--iterations 2000] [--seed 0]

Mutates every seed in tests/fuzz_corpus/seeds with random truncations, bit flips and
splices, loads each through the public API, and prints any case that did not either load
or fail with a one-line ValueError/OSError within 1 s and 100 MB. Failing inputs are
saved under tests/fuzz_corpus/found/ so they can be added to the corpus.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

import numpy as np

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from test_fuzz_loaders import SEED_FILES, SEEDS, loader_for  # noqa: E402

from minikeras.testing.file_fuzz import mutations, try_load  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    found = REPO / "tests" / "fuzz_corpus" / "found"
    bad = loaded = refused = 0
    slowest = 0.0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = pathlib.Path(tmp)
        per_seed = max(1, args.iterations // len(SEED_FILES))
        for seed_name in SEED_FILES:
            data = (SEEDS / seed_name).read_bytes()
            for label, mutated in mutations(data, rng, per_seed):
                target = tmp_path / seed_name
                target.write_bytes(mutated)
                out = try_load(f"{seed_name}:{label}", loader_for(target), write_root=tmp_path)
                slowest = max(slowest, out.seconds)
                problems = list(out.violations)
                if out.seconds > 1.0:
                    problems.append(f"slow: {out.seconds:.2f}s")
                if out.peak_bytes > 100 * 2**20:
                    problems.append(f"memory: {out.peak_bytes / 2**20:.0f} MiB")
                if problems:
                    bad += 1
                    found.mkdir(exist_ok=True)
                    (found / f"{bad:04d}_{seed_name}").write_bytes(mutated)
                    print(f"PROBLEM {out.name}: {problems}")
                elif out.loaded:
                    loaded += 1
                else:
                    refused += 1
    total = loaded + refused + bad
    print(
        f"{total} cases in {time.perf_counter() - start:.1f}s: {loaded} loaded, "
        f"{refused} refused cleanly, {bad} problems; slowest {slowest * 1000:.0f} ms"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
