"""Stratified sampling for the question sets' entry pickers (bench/sample_*.py)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

from dasan.knowledge.faq_source import FaqRecord

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


def programme_strata(records: Sequence[FaqRecord], used: Collection[str],
                     keep: Callable[[FaqRecord], bool] = lambda _r: True
                     ) -> dict[str, list[FaqRecord]]:
    """FAQ records by programme (entries without one form their own stratum, ""), without
    those whose id is in ``used``, those whose title another record shares, and those
    ``keep`` refuses: the pool the question sets' entry pickers draw from."""
    shared = Counter(r.title.strip() for r in records)
    strata: dict[str, list[FaqRecord]] = defaultdict(list)
    for r in records:
        if r.external_id not in used and shared[r.title.strip()] == 1 and keep(r):
            strata[r.program or ""].append(r)
    return strata
