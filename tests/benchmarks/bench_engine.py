"""Benchmark: time and peak memory of the full computation (`make bench`).

Not a test: it prints numbers and exits non-zero only when a target is missed.
Targets: what `forecast run` does at the default draw count (load, check, the point fit,
the fit of every draw, every scenario) in under 10 s and 1 GiB of peak memory; with
`--memory-only`, any draw count within 1 GiB (the draws are made in chunks that fit the
model's `settings.limits.memory_mb`).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from forecast.batched import quantile_error
from forecast.checks import build_study
from forecast.defaults import DEFAULT_DRAWS
from forecast.engine import run_study
from forecast.loading import load_inputs

TARGET_SECONDS = 10.0
TARGET_MIB = 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path())
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
    parser.add_argument(
        "--memory-only", action="store_true", help="check the memory target, not the time"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    study = build_study(load_inputs(args.root))
    loaded = time.perf_counter()
    run = run_study(study, args.draws, seed=1)
    done = time.perf_counter()
    # the draws' fit runs partly in worker processes: their peak counts too (as if at once)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mib = (own + workers) / 1024.0
    print(f"load+check   {loaded - start:7.2f} s")
    chunks = run.drawn.plan.chunks
    print(
        f"forecast run ({args.draws} draws in {chunks} chunk{'s' if chunks > 1 else ''}, "
        f"{len(run.results)} scenarios, fit included) {done - loaded:7.2f} s; "
        f"whole {done - start:.2f} s"
    )
    print(f"peak memory  {peak_mib:7.1f} MiB (this process and its largest worker)")
    error = max(
        float(quantile_error(r.samples, q).max()) for r in run.results for q in (0.05, 0.95)
    )
    print(
        f"Monte Carlo error of the interval ends: at most {100 * error:.2f} points (not a target)"
    )
    fast = args.memory_only or (done - start) <= TARGET_SECONDS
    ok = fast and peak_mib <= TARGET_MIB
    print("targets met" if ok else f"target missed: {TARGET_SECONDS} s / {TARGET_MIB} MiB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
