"""Analytics benchmark: report build times over a Seoul year, and the issue alerter.

1. Reports. A generated year (~6.6 M consultations at the 2023 daily average of 18,056; the
   full run adds a week of 2025 so the table spans two years and passes 7 M with --rows) is
   bulk-loaded into SQLite (and PostgreSQL when a URL is given). The analytics engine builds
   its DuckDB mirror (timed: full copy, then an incremental refresh after one more day), then
   times the annual channel table, a monthly VOC report and a policy-issue report.
   Peer, same run: the same channel-per-year GROUP BY run directly in the operational
   database through SQLAlchemy.
2. Alerter. A generated year of counts per question in 5-minute bins; 3x bursts of one topic
   for 2 hours (and bursts of a brand-new question with no KB entry) are injected at random
   daytime onsets. Figures: detection rate, delay from onset, false alarms per week on the
   injected year and on the same year without bursts. Peer, same run: a non-seasonal rule
   (30-minute count > 3x the mean of the same 30 minutes over the previous 7 days, >= 8).

usage: uv run python -m bench.bench_analytics [--quick] [--postgres-url URL] [--skip-reports]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from dasan.analytics import alerter
from dasan.consultations.generator import DEFAULT_TOPICS, GeneratorConfig, Topic, generate

ROOT = Path(__file__).resolve().parents[1]
NEW_SUBJECT = Topic(None, "싱크홀 발생 위치 신고는 어디에 하나요", "안전")

# --------------------------------------------------------------------------------------------
# alerter
# --------------------------------------------------------------------------------------------


@dataclass
class Burst:
    subject: int
    onset: int  # bin
    length: int  # bins


def subject_counts(start: date, days: int, seed: int, daily_average: float,
                   subjects: list[Topic], bin_minutes: int) -> np.ndarray:
    """counts[subject, bin] of a generated history (generator topics are `subjects[:-1]`)."""
    bins_per_day = 24 * 60 // bin_minutes
    topics = subjects[:-1]
    index = {t.title: i for i, t in enumerate(subjects)}
    counts = np.zeros((len(subjects), days * bins_per_day), dtype=np.int64)
    cfg = GeneratorConfig(start=start, days=days, seed=seed, daily_average=daily_average,
                          topics=topics)
    for offset, batch in enumerate(generate(cfg)):
        secs = (batch["started_at"] - np.datetime64(start.isoformat(), "s")).astype(np.int64)
        b = secs // (bin_minutes * 60)
        s = np.array([index[x] for x in batch["subject"]], dtype=np.int64) \
            if len(b) else np.zeros(0, dtype=np.int64)
        np.add.at(counts, (s, b), 1)
        del offset
    return counts


def topic_matrix(subjects: list[Topic]) -> tuple[list[alerter.Topic], np.ndarray]:
    """Incidence matrix topics x subjects, using the alerter's own topic rules."""
    per_subject = [alerter.topics_of(s.program, s.category, s.title) for s in subjects]
    topics = sorted({t for ts in per_subject for t in ts}, key=lambda t: (t.kind, t.name))
    pos = {t: i for i, t in enumerate(topics)}
    m = np.zeros((len(topics), len(subjects)), dtype=np.int64)
    for j, ts in enumerate(per_subject):
        for t in ts:
            m[pos[t], j] = 1
    return topics, m


def inject(counts: np.ndarray, n_bursts: int, new_subject: int, seed: int, bin_minutes: int,
           warmup_days: int = 63) -> tuple[np.ndarray, list[Burst]]:
    rng = np.random.default_rng(seed)
    out = counts.copy()
    bins_per_day = 24 * 60 // bin_minutes
    days = counts.shape[1] // bins_per_day
    length = 120 // bin_minutes
    day_choices = rng.choice(np.arange(warmup_days, days - 1, 3), size=n_bursts, replace=False)
    bursts: list[Burst] = []
    reference = 0  # the new question arrives at the pace of a mid-sized topic
    mids = np.argsort(counts[:new_subject].sum(axis=1))
    reference = int(mids[len(mids) // 2])
    for i, d in enumerate(sorted(day_choices)):
        onset = int(d) * bins_per_day + int(rng.integers(8 * 60, 18 * 60) // bin_minutes)
        sl = slice(onset, onset + length)
        if i % 4 == 3:
            s = new_subject
            out[s, sl] += rng.poisson(3 * counts[reference, sl])
        else:
            s = int(rng.integers(0, new_subject))
            out[s, sl] += rng.poisson(2 * counts[s, sl])  # 3x of what that topic had
        bursts.append(Burst(s, onset, length))
    return out, bursts


def naive_peer(counts: np.ndarray, bin_minutes: int) -> list[alerter.Detection]:
    """Daily-seasonal rule without weekdays or holidays: the 30-minute count exceeds 3x the
    mean count of the same 30 minutes over the previous 7 days (and is at least 8)."""
    w = 30 // bin_minutes
    bpd = 24 * 60 // bin_minutes
    n_topics, n_bins = counts.shape
    csum = np.concatenate([np.zeros((n_topics, 1)), np.cumsum(counts, axis=1)], axis=1)
    idx = np.arange(n_bins)
    window = csum[:, idx + 1] - csum[:, np.maximum(idx + 1 - w, 0)]
    past = np.zeros_like(window)
    for k in range(1, 8):
        past[:, k * bpd:] += window[:, : n_bins - k * bpd]
    mean30 = past / 7
    fire = (window > 3 * mean30) & (window >= 8) & (idx >= 7 * bpd)
    out: list[alerter.Detection] = []
    cooldown = 120 // bin_minutes
    for t in range(n_topics):
        last = -10**9
        for b in np.flatnonzero(fire[t]):
            if b - last > cooldown:
                out.append(alerter.Detection(t, int(b), int(b), w, int(window[t, b]),
                                             float(mean30[t, b]), 0.0))
            last = int(b)
    return out


def evaluate(dets: list[alerter.Detection], bursts: list[Burst], topics: list[alerter.Topic],
             subjects: list[Topic], bin_minutes: int, n_bins: int) -> dict[str, float]:
    related = [set(alerter.topics_of(subjects[b.subject].program, subjects[b.subject].category,
                                     subjects[b.subject].title)) for b in bursts]
    delays: list[float] = []
    matched = [False] * len(bursts)
    false_alarms = 0
    for d in dets:
        hit = False
        for i, b in enumerate(bursts):
            if topics[d.topic] in related[i] and b.onset <= d.first_bin < b.onset + b.length:
                hit = True
                if not matched[i]:
                    matched[i] = True
                    delays.append((d.first_bin + 1 - b.onset) * bin_minutes)
                else:
                    delays[-1] = delays[-1]
                break
        if not hit:
            false_alarms += 1
    # first detection per burst (the minimum over its related topics)
    first: dict[int, float] = {}
    for d in dets:
        for i, b in enumerate(bursts):
            if topics[d.topic] in related[i] and b.onset <= d.first_bin < b.onset + b.length:
                delay = (d.first_bin + 1 - b.onset) * bin_minutes
                first[i] = min(first.get(i, 1e9), delay)
    weeks = n_bins * bin_minutes / (7 * 24 * 60)
    ds = sorted(first.values())
    return {
        "bursts": len(bursts),
        "detected": len(first),
        "within_30": sum(1 for x in ds if x <= 30),
        "median_delay": statistics.median(ds) if ds else float("nan"),
        "p90_delay": ds[int(0.9 * (len(ds) - 1))] if ds else float("nan"),
        "false_alarms": false_alarms,
        "false_per_week": false_alarms / weeks,
    }


def bench_alerter(quick: bool) -> None:
    cfg = alerter.AlerterConfig()
    days = 182 if quick else 364
    n_bursts = 24 if quick else 48
    subjects = list(DEFAULT_TOPICS) + [NEW_SUBJECT]
    t0 = time.perf_counter()
    counts = subject_counts(date(2024, 1, 1), days, 120, 18_056, subjects, cfg.bin_minutes)
    t_gen = time.perf_counter() - t0
    topics, m = topic_matrix(subjects)
    injected, bursts = inject(counts, n_bursts, len(subjects) - 1, 7, cfg.bin_minutes)
    print(f"\n== issue alerter: {days} days, {int(counts.sum()):,} consultations, "
          f"{len(topics)} topics ({sum(t.kind == 'program' for t in topics)} programs, "
          f"{sum(t.kind == 'category' for t in topics)} categories, "
          f"{sum(t.kind == 'keyword' for t in topics)} keywords), "
          f"{len(bursts)} injected 2-hour bursts (3x; every 4th a new question) "
          f"[counts built in {t_gen:.1f}s]")
    n_bins = counts.shape[1]
    for name, data in (("flat year", counts), ("injected", injected)):
        tc = m @ data
        t1 = time.perf_counter()
        dets = alerter.scan_matrix(tc, cfg, start=date(2024, 1, 1))
        t_scan = time.perf_counter() - t1
        peer = naive_peer(tc, cfg.bin_minutes)
        for label, ds in (("dasan seasonal", dets), ("peer same-time-7d", peer)):
            r = evaluate(ds, bursts if name == "injected" else [], topics, subjects,
                         cfg.bin_minutes, n_bins)
            if name == "injected":
                print(f"  {name:<10} {label:<18} detected {r['detected']}/{r['bursts']}, "
                      f"within 30 min {r['within_30']}/{r['bursts']}, median delay "
                      f"{r['median_delay']:.0f} min, p90 {r['p90_delay']:.0f} min, "
                      f"false alarms {r['false_alarms']} ({r['false_per_week']:.2f}/week)")
            else:
                print(f"  {name:<10} {label:<18} false alarms {r['false_alarms']} "
                      f"({r['false_per_week']:.2f}/week)")
        print(f"  {name:<10} scan of {tc.shape[0]} topics x {n_bins:,} bins: {t_scan:.2f}s")
    print("  targets: detection within 30 min of onset; < 1 false alarm per week")


# --------------------------------------------------------------------------------------------
# reports
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a month / half a year)")
    ap.add_argument("--postgres-url", default=os.environ.get("DASAN_TEST_POSTGRES_URL"))
    ap.add_argument("--skip-reports", action="store_true")
    ap.add_argument("--skip-alerter", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_alerter:
        bench_alerter(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
