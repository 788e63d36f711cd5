"""Latency of several ways to answer the same queries, timed in turn query by query (so a
change of machine load hits every way alike): wall and CPU milliseconds per call, printed as
p50 / p95 rows. Used by bench_search (--compare-encoders) and bench_encoder."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

Run = tuple[str, Callable[[str], object]]


def time_interleaved(runs: Sequence[Run], queries: Sequence[str], warm: int
                     ) -> dict[str, tuple[list[float], list[float]]]:
    """Each run called once per query, runs interleaved; every run is first warmed on the
    first `warm` queries (with a trailing space: not a cached repeat). Returns, per run name,
    (wall ms, CPU ms) of each call."""
    for _, fn in runs:
        for q in queries[:warm]:
            fn(q + " ")
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _ in runs}
    for q in queries:
        for name, fn in runs:
            c = time.process_time()
            t = time.perf_counter()
            fn(q)
            times[name][0].append((time.perf_counter() - t) * 1000)
            times[name][1].append((time.process_time() - c) * 1000)
    return times


def print_percentiles(label: str, times: dict[str, tuple[list[float], list[float]]]) -> None:
    """One row per run: p50 and p95 of wall and CPU milliseconds."""
    print(f"  {label:<40} {'p50 ms':>8} {'p95 ms':>8} {'p50 CPU':>9} {'p95 CPU':>9}")
    for name, (wall, cpu) in times.items():
        w = np.percentile(wall, [50, 95])
        c = np.percentile(cpu, [50, 95])
        print(f"  {name:<40} {w[0]:8.1f} {w[1]:8.1f} {c[0]:9.1f} {c[1]:9.1f}")
