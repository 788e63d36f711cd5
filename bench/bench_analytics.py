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
import csv
import io
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from dasan.analytics import alerter
from dasan.consultations.generator import DEFAULT_TOPICS, GeneratorConfig, Topic, generate
from dasan.timeutil import local_midnight, postgres_local, sqlite_local

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
    # bins of Seoul's clock from the local midnight of `start` (the generator stores UTC)
    origin = np.datetime64(local_midnight(start).replace(tzinfo=None).isoformat(), "s")
    for offset, batch in enumerate(generate(cfg)):
        secs = (batch["started_at"] - origin).astype(np.int64)
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

INSERT_COLS = ("channel", "ars_option", "started_at", "queued_at", "answered_at", "ended_at",
               "queue_id", "agent_id", "category", "program", "outcome", "status", "language",
               "district_code", "subject", "priority", "crisis", "wait_seconds",
               "handle_seconds", "created_at")


def _ts(a: np.ndarray) -> list[str]:
    return [x.replace("T", " ") for x in np.datetime_as_string(a, unit="s").tolist()]


def row_batches(start: date, days: int, daily_average: float, queue_ids: dict[str, int],
                agent_ids: list[int], seed: int = 120) -> Iterator[list[tuple[object, ...]]]:
    """Generator batches as DB tuples (the same mapping as `dasan.demo.write_history`)."""
    cfg = GeneratorConfig(start=start, days=days, seed=seed, daily_average=daily_average,
                          agents=len(agent_ids))
    for b in generate(cfg):
        n = len(b["channel"])
        started, queued = _ts(b["started_at"]), _ts(b["queued_at"])
        answered, ended = _ts(b["answered_at"]), _ts(b["ended_at"])
        has_q = (b["queue"] != "").tolist()
        has_a = b["has_answer"].tolist()
        queue = [queue_ids.get(q) for q in b["queue"].tolist()]
        agent = [agent_ids[a - 1] if a else None for a in b["agent"].tolist()]
        ars = [x or None for x in b["ars_option"].tolist()]
        program = [x or None for x in b["program"].tolist()]
        handle = b["handle_seconds"].tolist()
        cols = (b["channel"].tolist(), ars, started,
                [q if h else None for q, h in zip(queued, has_q, strict=True)],
                [a if h else None for a, h in zip(answered, has_a, strict=True)], ended,
                queue, agent, b["category"].tolist(), program, b["outcome"].tolist(),
                ["closed"] * n, b["language"].tolist(), b["district_code"].tolist(),
                b["subject"].tolist(), b["priority"].tolist(), b["crisis"].astype(int).tolist(),
                b["wait_seconds"].tolist(), [x if h else None for x, h in zip(handle, has_a,
                                                                               strict=True)],
                started)
        yield list(zip(*cols, strict=True))


def _org(url: str) -> tuple[dict[str, int], list[int]]:
    from sqlalchemy import select

    from dasan.db.models import Agent, Queue
    from dasan.db.session import session_scope
    from dasan.demo import seed_org, seed_people

    with session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=60)
    with session_scope(url) as s:
        queues = {c: i for i, c in s.execute(select(Queue.id, Queue.code))}
        agents = list(s.scalars(select(Agent.id).order_by(Agent.id)))
    return queues, agents


def load_sqlite(path: Path, start: date, days: int, daily: float) -> float:
    from dasan.db.migrate import upgrade

    url = f"sqlite:///{path}"
    upgrade(url)
    queues, agents = _org(url)
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    sql = (f"INSERT INTO consultations ({', '.join(INSERT_COLS)}) "
           f"VALUES ({', '.join('?' * len(INSERT_COLS))})")
    for rows in row_batches(start, days, daily, queues, agents):
        con.executemany(sql, rows)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    from dasan.db.session import reset_caches

    reset_caches()
    return time.perf_counter() - t0


def append_sqlite(path: Path, day: date, daily: float) -> int:
    url = f"sqlite:///{path}"
    queues, agents = _org(url)
    con = sqlite3.connect(path)
    sql = (f"INSERT INTO consultations ({', '.join(INSERT_COLS)}) "
           f"VALUES ({', '.join('?' * len(INSERT_COLS))})")
    n = 0
    for rows in row_batches(day, 1, daily, queues, agents, seed=99):
        con.executemany(sql, rows)
        n += len(rows)
    con.commit()
    con.close()
    return n


def _pg_conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load_postgres(url: str, start: date, days: int, daily: float) -> float:
    import psycopg

    from dasan.db.migrate import upgrade

    upgrade(url)
    queues, agents = _org(url)
    t0 = time.perf_counter()
    with psycopg.connect(_pg_conninfo(url)) as con, con.cursor() as cur:
        with cur.copy(f"COPY consultations ({', '.join(INSERT_COLS)}) FROM STDIN "
                      f"WITH (FORMAT csv)") as copy:
            for rows in row_batches(start, days, daily, queues, agents):
                buf = io.StringIO()
                csv.writer(buf).writerows(rows)
                copy.write(buf.getvalue())
        cur.execute("ANALYZE consultations")
    return time.perf_counter() - t0


def append_postgres(url: str, day: date, daily: float) -> int:
    import psycopg

    queues, agents = _org(url)
    n = 0
    copy_sql = f"COPY consultations ({', '.join(INSERT_COLS)}) FROM STDIN WITH (FORMAT csv)"
    with psycopg.connect(_pg_conninfo(url)) as con, con.cursor() as cur, \
            cur.copy(copy_sql) as copy:
        for rows in row_batches(day, 1, daily, queues, agents, seed=99):
            buf = io.StringIO()
            csv.writer(buf).writerows(rows)
            copy.write(buf.getvalue())
            n += len(rows)
    return n


def _timed(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_backend(name: str, url: str, mirror: Path, last_day: date,
                  append: Callable[[], int]) -> None:
    from sqlalchemy import text

    from dasan.analytics import kpi
    from dasan.analytics.engine import AnalyticsEngine
    from dasan.analytics.filters import Filters
    from dasan.analytics.policy import policy_report
    from dasan.analytics.voc import voc_report
    from dasan.db.session import make_engine

    for f in mirror.parent.glob(mirror.name + "*"):
        f.unlink()
    engine = AnalyticsEngine(url, mirror)
    full = engine.refresh()
    print(f"  [{name}] mirror full build: {full.total_rows:,} rows in {full.seconds:.1f}s "
          f"({full.total_rows / full.seconds:,.0f} rows/s)")
    noop = engine.refresh()
    print(f"  [{name}] refresh with nothing new: {noop.seconds * 1000:.0f} ms")
    added = append()
    inc = engine.refresh()
    print(f"  [{name}] incremental refresh after one more day (+{added:,} rows): "
          f"{inc.seconds:.2f}s")
    year = Filters()
    t_year = _timed(lambda: kpi.channel_year_table(engine, year))
    month = f"{last_day.year}-03" if last_day.month >= 3 else f"{last_day.year}-01"
    t_voc = _timed(lambda: voc_report(engine, month))
    start = date(last_day.year, 1, 4)
    end = min(date(last_day.year, 8, 31), last_day)
    t_pol = _timed(lambda: policy_report(engine, start, end, program="기후동행카드"))
    rep = policy_report(engine, start, end, program="기후동행카드")
    types = ", ".join(f"{r['type']} {100 * r['share']:.1f}%" for r in rep.types.rows[:3])
    ops = make_engine(url)
    # The same question as the mirror's: years of Seoul's calendar (ADR 0018).
    local = (sqlite_local("started_at", datetime.combine(last_day, datetime.min.time()))
             if url.startswith("sqlite") else postgres_local("started_at"))
    peer_sql = text(f"SELECT CAST(strftime('%Y', {local}) AS INTEGER) AS y, channel, count(*) "
                    "FROM consultations GROUP BY 1, 2" if url.startswith("sqlite") else
                    f"SELECT extract(year FROM {local}) AS y, channel, count(*) "
                    "FROM consultations GROUP BY 1, 2")

    def peer() -> None:
        with ops.connect() as c:
            c.execute(peer_sql).fetchall()

    t_peer = _timed(peer, repeat=1 if full.total_rows > 1_000_000 else 3)
    ops.dispose()
    print(f"  [{name}] annual channel table {t_year:.3f}s | monthly VOC report ({month}) "
          f"{t_voc:.3f}s | policy-issue report (기후동행카드 {start}..{end}: "
          f"{rep.count:,}; {types}) {t_pol:.3f}s   target < 3 s each")
    print(f"  [{name}] peer: the same channel-per-year GROUP BY directly in {name} "
          f"(SQLAlchemy): {t_peer:.2f}s -> DuckDB mirror is {t_peer / max(t_year, 1e-6):,.0f}x "
          f"faster")
    engine.close()


def bench_reports(quick: bool, rows: int, postgres_url: str | None) -> None:
    start = date(2024, 1, 1)
    days = 31 if quick else 366
    n_target = 580_000 if quick else rows
    daily = n_target / days
    last_day = start + timedelta(days=days - 1)
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    # "local": generated with the Seoul-hour profile stored as true UTC (ADR 0018); a database
    # kept from before that has another tag and is not reused.
    tag = f"{days}d-{int(daily)}-local"
    print(f"\n== reports: {days} days from {start}, ~{n_target:,} consultations "
          f"({daily:,.0f}/day)")
    db_path = work / f"analytics-{tag}.db"
    done = db_path.with_suffix(".done")
    if not done.exists():
        for f in work.glob(db_path.name + "*"):
            f.unlink()
        t = load_sqlite(db_path, start, days, daily)
        done.write_text("loaded\n")
        print(f"  [sqlite] bulk load {t:.0f}s (kept in {db_path} for the next run)")
    else:
        _reset_sqlite(db_path, last_day)
    bench_backend("sqlite", f"sqlite:///{db_path}", work / f"mirror-sqlite-{tag}.duckdb",
                  last_day, lambda: append_sqlite(db_path, last_day + timedelta(days=1), daily))
    if postgres_url:
        pg_url = _bench_database(postgres_url, f"dasan_bench_{tag.replace('-', '_')}")
        if pg_url is None:
            return
        if not _pg_ready(pg_url, last_day):
            t = load_postgres(pg_url, start, days, daily)
            print(f"  [postgres] bulk load (COPY) {t:.0f}s")
        bench_backend("postgres", pg_url, work / f"mirror-pg-{tag}.duckdb", last_day,
                      lambda: append_postgres(pg_url, last_day + timedelta(days=1), daily))
    else:
        print("  [postgres] skipped: pass --postgres-url or set DASAN_TEST_POSTGRES_URL "
              "(scripts/postgres.sh prints one)")


def _reset_sqlite(path: Path, last_day: date) -> None:
    """Drop the day a previous run appended (the incremental-refresh step)."""
    con = sqlite3.connect(path)
    # the appended day is a Seoul day: it starts at 15:00 UTC the day before (ADR 0018)
    con.execute("DELETE FROM consultations WHERE started_at >= ?",
                [local_midnight(last_day + timedelta(days=1)).replace(tzinfo=None).isoformat(sep=" ")])
    con.commit()
    con.close()


def _bench_database(server_url: str, name: str) -> str | None:
    """A separate database on the same server for the benchmark (kept between runs)."""
    import psycopg
    from sqlalchemy.engine import make_url

    try:
        with psycopg.connect(_pg_conninfo(server_url), autocommit=True) as con:
            exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                con.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"  [postgres] skipped: cannot connect ({exc})")
        return None
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _pg_ready(url: str, last_day: date) -> bool:
    import psycopg

    with psycopg.connect(_pg_conninfo(url)) as con:
        has = con.execute("SELECT to_regclass('consultations')").fetchone()
        if not has or has[0] is None:
            return False
        con.execute("DELETE FROM consultations WHERE started_at >= %s",
                    [local_midnight(last_day + timedelta(days=1))])
        n = con.execute("SELECT count(*) FROM consultations").fetchone()
        con.commit()
        return bool(n and n[0] > 0)



def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a month / half a year)")
    ap.add_argument("--postgres-url", default=os.environ.get("DASAN_TEST_POSTGRES_URL"))
    ap.add_argument("--rows", type=int, default=7_050_000,
                    help="consultations in the generated year (default 7.05 M)")
    ap.add_argument("--skip-reports", action="store_true")
    ap.add_argument("--skip-alerter", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_reports:
        bench_reports(args.quick, args.rows, args.postgres_url)
    if not args.skip_alerter:
        bench_alerter(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
