"""Quality benchmark: monthly QA sampling and scorecards for a Seoul month (~550k consultations).

Run: ``uv run --frozen python -m bench.bench_quality [--postgres-url URL] [--daily N]``.

A generated month (March 2026, ~17,700 consultations a day over 400 agents) with survey answers
on 6% of the answered ones, abuse incidents and crisis flags from the generator. Measured:
- ``draw_month``: load the month, apply the targeted + random rules (numpy), store the sample;
- agent and team scorecards (one GROUP BY each in the database) and the satisfaction KPI.
Target: sampling + scorecards under 3 s. Peers, same run and same rows: the previous
implementation (bench/peers/quality_month_v1.py: the month read through the `started_at` index
and its rows; its counts, scorecards and KPI must equal Dasan's), and the obvious Python
implementation (rows fetched once, rules and aggregates computed in plain loops and dicts).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench import wipe_postgres
from bench.peers import quality_month_v1
from dasan.db import session as db_session
from dasan.db.migrate import upgrade
from dasan.db.models import AbuseIncident, Consultation
from dasan.db.models_quality import QaSample, SurveyAnswer
from dasan.demo import seed_org, seed_people, write_history
from dasan.quality import sampling, scorecards, surveys

MONTH = "2026-03"


def prepare(url: str, daily: float) -> int:
    with db_session.session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=400)
        n = write_history(s, date(2026, 3, 1), 31, seed=120, daily_average=daily)
    with db_session.session_scope(url) as s:
        answered = list(s.scalars(select(Consultation.id).where(
            Consultation.answered_at.is_not(None))))
        rng = random.Random(7)
        picked = rng.sample(answered, int(len(answered) * 0.06))
        s.execute(insert(SurveyAnswer), [{"consultation_id": c, "channel": "call",
                                          "score": rng.choice((1, 2, 3, 4, 4, 5, 5, 5)),
                                          "answered_at": datetime(2026, 3, 31)} for c in picked])
        s.execute(insert(AbuseIncident), [{"consultation_id": c, "category": "insult",
                                           "severity": 2, "action": "warn_1",
                                           "at": datetime(2026, 3, 15)}
                                          for c in rng.sample(answered, 2000)])
    if url.startswith("postgresql"):
        # A production database has been through autovacuum: planner statistics and the
        # visibility map (index-only scans) are there. Outside the timings, for both sides.
        engine = db_session.make_engine(url)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE")
        engine.dispose()
    return n


def peer(url: str) -> tuple[int, int]:
    """The plain-Python way: fetch the month's rows and loop."""
    start, end = sampling.month_bounds(MONTH)
    with db_session.session_scope(url) as s:
        rows = s.execute(select(Consultation.id, Consultation.agent_id, Consultation.crisis,
                                Consultation.outcome, Consultation.handle_seconds)
                         .where(Consultation.started_at >= start, Consultation.started_at < end,
                                Consultation.agent_id.is_not(None),
                                Consultation.answered_at.is_not(None))
                         .order_by(Consultation.id)).all()
        abuse = set(s.scalars(select(AbuseIncident.consultation_id)))
        scores = dict(s.execute(select(SurveyAnswer.consultation_id, SurveyAnswer.score)).all())
    picked: dict[int, str] = {}
    for reason, test in (("crisis", lambda r: r[2]),
                         ("abuse", lambda r: r[0] in abuse or r[3] == "forced_terminated"),
                         ("low_satisfaction", lambda r: scores.get(r[0], 9) <= 2),
                         ("long_handle", lambda r: (r[4] or 0) > 900)):
        per: dict[int | None, int] = defaultdict(int)
        for r in rows:
            if r[0] not in picked and test(r) and per[r[1]] < 5:
                per[r[1]] += 1
                picked[r[0]] = reason
    rng = random.Random(120)
    left: dict[int | None, list[int]] = defaultdict(list)
    for r in rows:
        if r[0] not in picked:
            left[r[1]].append(r[0])
    for ids in left.values():
        for cid in rng.sample(ids, min(4, len(ids))):
            picked[cid] = "random"
    cards: dict[int | None, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0.0])
    for r in rows:
        card = cards[r[1]]
        card[0] += 1
        card[1] += r[4] or 0.0
        if r[0] in scores:
            card[2] += 1
            card[3] += scores[r[0]]
    return len(picked), len(cards)


def _warm(url: str) -> None:
    """Read the month once, so that neither side pays for a cold page cache."""
    start, end = sampling.month_bounds(MONTH)
    with db_session.session_scope(url) as s:
        s.execute(select(Consultation.agent_id, Consultation.handle_seconds).where(
            Consultation.started_at >= start, Consultation.started_at < end)).all()


def _dasan(url: str) -> tuple[dict[str, int], list[dict[str, Any]], int, dict[str, Any],
                             float, float, float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    with db_session.session_scope(url) as s:
        counts = sampling.draw_month(s, None, MONTH, replace=True)
    t_sample, c_sample = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    with db_session.session_scope(url) as s:
        agents = scorecards.agent_scorecards(s, MONTH)
        teams = scorecards.team_scorecards(s, MONTH, agents)
        start, end = sampling.month_bounds(MONTH)
        kpi = surveys.kpi(s, start, end)
    t_cards, c_cards = time.perf_counter() - t0, time.process_time() - c0
    return counts, agents, len(teams), kpi, t_sample, c_sample, t_cards, c_cards


def _previous(url: str) -> tuple[dict[str, int], list[dict[str, Any]], dict[str, Any],
                                 float, float]:
    """The previous implementation (bench/peers/quality_month_v1.py), same steps."""
    t0, c0 = time.perf_counter(), time.process_time()
    with db_session.session_scope(url) as s:
        counts = quality_month_v1.draw_month(s, None, MONTH, replace=True)
    with db_session.session_scope(url) as s:
        agents = quality_month_v1.agent_scorecards(s, MONTH)
        scorecards.team_scorecards(s, MONTH, agents)
        start, end = sampling.month_bounds(MONTH)
        kpi = quality_month_v1.kpi(s, start, end)
    return counts, agents, kpi, time.perf_counter() - t0, time.process_time() - c0


def _drawn(url: str) -> set[tuple[int, str]]:
    with db_session.session_scope(url) as s:
        return {(int(c), str(r)) for c, r in s.execute(
            select(QaSample.consultation_id, QaSample.reason).where(QaSample.month == MONTH))}


def bench(url: str, daily: float, reuse: bool = False) -> dict[str, Any]:
    """Wall and CPU seconds (this process; SQLite runs in it): on a shared machine the wall
    clock also measures the neighbours, CPU time does not (PostgreSQL's own work is only in
    the wall clock)."""
    t0 = time.perf_counter()
    upgrade(url)  # a kept SQLite month gets the indexes of newer migrations
    n = -1 if reuse else prepare(url, daily)
    print(f"generated {n:,} consultations for {MONTH} in {time.perf_counter() - t0:.1f}s"
          if n >= 0 else "reusing the generated month")
    _warm(url)
    # The previous implementation first, then Dasan (each draw replaces the other's sample).
    v1_counts, v1_agents, v1_kpi, t_v1, c_v1 = _previous(url)
    v1_drawn = _drawn(url)
    counts, agents, n_teams, kpi, t_sample, c_sample, t_cards, c_cards = _dasan(url)
    drawn = _drawn(url)
    t0, c0 = time.perf_counter(), time.process_time()
    peer_samples, peer_cards = peer(url)
    t_peer, c_peer = time.perf_counter() - t0, time.process_time() - c0
    same = (drawn == v1_drawn and counts == v1_counts and agents == v1_agents
            and kpi == v1_kpi)
    total, cpu = t_sample + t_cards, c_sample + c_cards
    print(f"sampling: {sum(counts.values()):,} drawn {counts} in {t_sample:.2f}s "
          f"(CPU {c_sample:.2f}s)")
    print(f"scorecards: {len(agents)} agents, {n_teams} teams, KPI csat {kpi['csat']} "
          f"in {t_cards:.2f}s (CPU {c_cards:.2f}s)")
    print(f"dasan sampling + scorecards: {total:.2f}s wall, {cpu:.2f}s CPU (target < 3 s: "
          f"wall {'met' if total < 3 else 'NOT met'}, CPU {'met' if cpu < 3 else 'NOT met'})")
    print(f"peer, the previous implementation (bench/peers/quality_month_v1.py; same sample, "
          f"scorecards and KPI: {'yes' if same else 'NO'}): {t_v1:.2f}s wall, {c_v1:.2f}s CPU "
          f" -> {t_v1 / total:.2f}x wall, {c_v1 / cpu:.2f}x CPU")
    print(f"peer, plain Python loops ({peer_samples:,} samples, {peer_cards} cards): "
          f"{t_peer:.2f}s wall, {c_peer:.2f}s CPU  -> {t_peer / total:.2f}x wall, "
          f"{c_peer / cpu:.2f}x CPU")
    if not same or len(drawn) != sum(counts.values()):
        raise SystemExit("the sample, scorecards or KPI differ from the previous implementation")
    return {"rows": n, "sampling_s": t_sample, "scorecards_s": t_cards, "previous_s": t_v1,
            "peer_s": t_peer}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--daily", type=float, default=17_750.0,
                        help="consultations a day (17,750 x 31 = ~550k)")
    parser.add_argument("--sqlite-file", type=Path, default=None,
                        help="keep the generated SQLite month here and reuse it next time")
    parser.add_argument("--reuse-postgres", action="store_true",
                        help="measure the month a previous run left in --postgres-url")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    print("# bench_quality")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n## SQLite")
            path = args.sqlite_file or Path(tmp) / "bench-quality.db"
            bench(f"sqlite:///{path}", args.daily, reuse=path.is_file())
            db_session.reset_caches()
    if args.postgres_url:
        print("\n## PostgreSQL")
        if not args.reuse_postgres:
            wipe_postgres(args.postgres_url)
        bench(args.postgres_url, args.daily, reuse=args.reuse_postgres)


if __name__ == "__main__":
    main()
