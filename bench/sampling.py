"""Stratified sampling for the question sets' entry pickers (bench/sample_*.py)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def stratified(strata: Mapping[str, Sequence[T]], total: int, seed: int) -> list[tuple[str, T]]:
    """`total` items drawn without replacement, each stratum in proportion to its size
    (largest-remainder allocation, ties by stratum name), strata in name order, one fixed-seed
    generator for all, which then shuffles the (stratum, item) pairs."""
    pool = sum(len(v) for v in strata.values())
    quota = {k: total * len(v) / pool for k, v in strata.items()}
    alloc = {k: int(q) for k, q in quota.items()}
    for k in sorted(quota, key=lambda k: (-(quota[k] - alloc[k]), k))[: total - sum(alloc.values())]:
        alloc[k] += 1
    rng = random.Random(seed)
    picked = [(k, item) for k in sorted(strata) for item in rng.sample(list(strata[k]), alloc[k])]
    rng.shuffle(picked)
    return picked
