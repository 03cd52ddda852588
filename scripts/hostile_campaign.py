"""The hostile-input campaign of issue 20, with the issue's full sizes, as a table.

Usage: python scripts/hostile_campaign.py [--family hdf5] [--no-full-size]

Builds every case of `tests/hostile/cases.py` in a temporary directory (seeded, from
code), runs each in a forked child limited to 2 GB of address space beyond its start
(`resource.RLIMIT_AS`) and killed after 20 s, and prints one line per case: how it
ended, its time, its resident-memory growth and the start of its message. A case is
clean when it loads where loading is legitimate, or raises ValueError/OSError/TypeError
naming the file and the problem, within 2 s and 2 GB. Exits 1 if any case is not.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from hostile.cases import all_cases  # noqa: E402
from hostile.runner import run_isolated  # noqa: E402


def problems_of(case, result, filename) -> list[str]:
    out = []
    if result.outcome not in ("loaded", "error"):
        out.append(result.outcome)
    if result.seconds >= 2.0:
        out.append(f"slow {result.seconds:.2f}s wall ({result.cpu_seconds:.2f}s CPU)")
    if result.peak_rss_growth >= 2 * 2**30:
        out.append("memory")
    if case.expect == "refuse" and result.outcome == "loaded":
        out.append("loaded")
    if case.expect == "load" and result.outcome != "loaded":
        out.append("refused")
    if result.outcome == "error":
        if filename is not None and filename not in result.message:
            out.append("file not named")
        if case.match.lower() not in result.message.lower():
            out.append(f"message lacks {case.match!r}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default=None)
    parser.add_argument("--no-full-size", action="store_true")
    args = parser.parse_args()
    cases = [
        c for c in all_cases(full_size=not args.no_full_size) if args.family in (None, c.family)
    ]
    bad = 0
    slowest = 0.0
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            load, filename = case.build(pathlib.Path(tmp))
            result = run_isolated(case.name, load)
        problems = problems_of(case, result, filename)
        bad += bool(problems)
        slowest = max(slowest, result.seconds)
        message = result.message.replace(tmp, "<tmp>")[:110]
        print(
            f"{'BAD ' if problems else 'ok  '}{case.family:12s} {case.name:45s} "
            f"{result.outcome:7s} {result.seconds:6.2f}s {result.cpu_seconds:5.2f}cpu "
            f"{result.peak_rss_growth / 2**20:7.1f}MiB"
            f" {message} {problems or ''}",
            flush=True,
        )
    print(f"{len(cases)} cases, {len(cases) - bad} clean, {bad} not; slowest {slowest:.2f}s")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
