"""Issue alerter: notice a burst of one topic before anyone reads a report.

Topics are KB programs (`program`), categories (`category`) and keywords — kiwi nouns of the
questions that carry no program (`keyword`), which is where new issues show up first.

Counts are kept in 5-minute bins. For a window of 15 or 30 minutes ending now, the expected
count is a seasonal baseline: the same window (same weekday, same time of day) in each of the
previous 8 weeks, averaged after dropping the highest and lowest week (a holiday or an earlier
burst does not drag it). The score is the Poisson upper-tail surprise of the observed count,
-log10 P(X >= observed), against a baseline padded by its own estimation error. A window raises
an alert when the score passes the threshold, the count is at least `min_count` and at least
`min_ratio` times the baseline; further windows of the same topic within the cool-down extend
that alert instead of raising new ones.

The same scoring code runs on a whole generated year (`scan_matrix`, the benchmark) and live on
the analytical mirror (`scan`, the CLI and the supervisor dashboard).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.consultations.channels import CATEGORIES
from dasan.db.models import Alert
from dasan.errors import BadRequest
from dasan.text.record_clean import for_record
from dasan.timeutil import as_utc, local_to_utc, to_local

if TYPE_CHECKING:  # holidays, scipy, httpx and DuckDB load on first use, not with the web app
    import holidays

    from dasan.analytics.engine import AnalyticsEngine

log = logging.getLogger(__name__)

STOPWORDS = frozenset({
    "방법", "문의", "관련", "어디", "경우", "여부", "안내", "가능", "때", "것", "수", "등", "내용",
    "시간", "확인", "하나", "무엇", "언제", "이유", "절차", "서울", "서울시",
})


@dataclass(frozen=True)
class AlerterConfig:
    bin_minutes: int = 5
    windows_minutes: tuple[int, ...] = (15, 30)
    baseline_weeks: int = 8
    min_weeks: int = 3
    threshold: float = 7.0  # -log10 p (calibrated on a seed the benchmark does not use)
    min_count: int = 8
    min_ratio: float = 1.5
    cooldown_minutes: int = 120
    baseline_floor: float = 0.5  # expected count never taken below this (new topics)
    padding_z: float = 2.0  # baseline padded by z standard errors of its estimate

    def __post_init__(self) -> None:
        if self.bin_minutes <= 0 or 60 % self.bin_minutes:
            raise BadRequest("bin_minutes must divide 60")
        if not self.windows_minutes or any(
            w <= 0 or w % self.bin_minutes for w in self.windows_minutes
        ):
            raise BadRequest("each window must be a positive multiple of bin_minutes")
        if self.min_weeks < 1 or self.baseline_weeks < self.min_weeks:
            raise BadRequest("need 1 <= min_weeks <= baseline_weeks")

    @property
    def week_bins(self) -> int:
        return 7 * 24 * 60 // self.bin_minutes


# --- scoring (shared by the year scan and the live scan) -----------------------------------


def robust_baseline(past: np.ndarray, min_weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean over the last axis after dropping the highest and lowest week (when >= 5 weeks).

    `past` holds NaN where a week is missing. Returns (expected, number of weeks used), with
    NaN expected where fewer than `min_weeks` weeks are available.
    """
    n = np.sum(~np.isnan(past), axis=-1)
    total = np.nansum(past, axis=-1)
    hi = np.where(n > 0, np.nanmax(np.where(np.isnan(past), -np.inf, past), axis=-1), 0.0)
    lo = np.where(n > 0, np.nanmin(np.where(np.isnan(past), np.inf, past), axis=-1), 0.0)
    trim = n >= 5
    used = np.where(trim, n - 2, n)
    mean = np.where(trim, total - hi - lo, total) / np.maximum(used, 1)
    mean = np.where(n >= min_weeks, mean, np.nan)
    return mean, used


def surprise(observed: np.ndarray, expected: np.ndarray, weeks: np.ndarray,
             cfg: AlerterConfig) -> np.ndarray:
    """-log10 P(X >= observed) for X ~ Poisson(padded expected); 0 where no baseline."""
    lam = np.maximum(np.nan_to_num(expected, nan=0.0), cfg.baseline_floor)
    lam = lam + cfg.padding_z * np.sqrt(lam / np.maximum(weeks, 1))
    from scipy.stats import poisson

    logsf = poisson.logsf(observed - 1, lam)
    score = -logsf / np.log(10.0)
    return np.where(np.isnan(expected), 0.0, np.maximum(score, 0.0))


def passes(observed: np.ndarray, expected: np.ndarray, score: np.ndarray,
           cfg: AlerterConfig) -> np.ndarray:
    base = np.maximum(np.nan_to_num(expected, nan=np.inf), cfg.baseline_floor)
    return (score >= cfg.threshold) & (observed >= cfg.min_count) & (
        observed >= cfg.min_ratio * base
    )


@dataclass
class Detection:
    topic: int
    first_bin: int  # bin at whose end the alert was raised
    last_bin: int
    window_bins: int
    count: int
    expected: float
    score: float


def day_type(day: date, kr_holidays: holidays.HolidayBase) -> int:
    """Weekday 0..5, or 6 for Sundays and public holidays (which behave like Sundays)."""
    return 6 if day.weekday() == 6 or day in kr_holidays else day.weekday()


def reference_days(day: date, weeks: int) -> list[date]:
    """The previous `weeks` days of the same type as `day` (same weekday; a public holiday is
    compared with Sundays and holidays, and a regular weekday skips past holidays)."""
    import holidays

    kr = holidays.country_holidays("KR", years=list(range(day.year - 1, day.year + 1)))
    want = day_type(day, kr)
    out: list[date] = []
    d = day
    for _ in range(weeks * 7 * 3):
        d -= timedelta(days=1)
        if day_type(d, kr) == want:
            out.append(d)
            if len(out) == weeks:
                break
    return out


def reference_shifts(start: date, days: int, weeks: int) -> np.ndarray:
    """shifts[d, k]: how many days back the k-th reference day of day `start + d` lies
    (0 where it falls before `start`)."""
    years = list(range(start.year, start.year + days // 365 + 2))
    import holidays

    kr = holidays.country_holidays("KR", years=years)
    types = [day_type(start + timedelta(days=i), kr) for i in range(days)]
    shifts = np.zeros((days, weeks), dtype=np.int64)
    last_seen: dict[int, list[int]] = {}
    for i, t in enumerate(types):
        prev = last_seen.get(t, [])
        for k, j in enumerate(reversed(prev[-weeks:])):
            shifts[i, k] = i - j
        last_seen.setdefault(t, []).append(i)
    return shifts


def scan_matrix(counts: np.ndarray, cfg: AlerterConfig | None = None,
                start: date | None = None) -> list[Detection]:
    """Run the alerter over a whole history: `counts[topic, bin]` in `cfg.bin_minutes` bins.

    Alerts are evaluated at the end of every bin, exactly as the live scan would have seen
    them, and merged per topic within the cool-down. With `start` (the first day of the
    history), public holidays are compared with Sundays; without it, with the same weekday.
    """
    cfg = cfg or AlerterConfig()
    counts = np.asarray(counts, dtype=np.float64)
    n_topics, n_bins = counts.shape
    bpd = 24 * 60 // cfg.bin_minutes
    n_days = -(-n_bins // bpd)
    if start is not None:
        shifts = reference_shifts(start, n_days, cfg.baseline_weeks)
    else:
        shifts = np.tile(np.arange(1, cfg.baseline_weeks + 1) * 7, (n_days, 1))
    idx = np.arange(n_bins)
    src = idx[:, None] - shifts[idx // bpd] * bpd  # [bin, k] source bin of each reference
    valid = (src >= 0) & (shifts[idx // bpd] > 0)
    src = np.where(valid, src, 0)
    best_score = np.zeros((n_topics, n_bins))
    best_obs = np.zeros((n_topics, n_bins))
    best_exp = np.full((n_topics, n_bins), np.nan)
    best_win = np.zeros((n_topics, n_bins), dtype=np.int64)
    fire = np.zeros((n_topics, n_bins), dtype=bool)
    # reference counts bin by bin (a window across midnight takes each bin's own day type)
    ref = np.where(valid[None, :, :], counts[:, src], 0.0)  # [topic, bin, k]
    ref_csum = np.concatenate([np.zeros((n_topics, 1, cfg.baseline_weeks)),
                               np.cumsum(ref, axis=1)], axis=1)
    del ref
    ok_csum = np.concatenate([np.zeros((1, cfg.baseline_weeks)),
                              np.cumsum(~valid, axis=0)], axis=0)
    csum = np.concatenate([np.zeros((n_topics, 1)), np.cumsum(counts, axis=1)], axis=1)
    for w_min in cfg.windows_minutes:
        w = w_min // cfg.bin_minutes
        lo = np.maximum(idx + 1 - w, 0)
        window = csum[:, idx + 1] - csum[:, lo]
        past = ref_csum[:, idx + 1, :] - ref_csum[:, lo, :]
        missing = (ok_csum[idx + 1, :] - ok_csum[lo, :]) > 0  # a bin of the window has no ref
        past = np.where(missing[None, :, :], np.nan, past)
        expected, weeks = robust_baseline(past, cfg.min_weeks)
        del past
        score = surprise(window, expected, weeks, cfg)
        ok = passes(window, expected, score, cfg)
        better = score > best_score
        best_score = np.where(better, score, best_score)
        best_obs = np.where(better, window, best_obs)
        best_exp = np.where(better, expected, best_exp)
        best_win = np.where(better, w, best_win)
        fire |= ok
    detections: list[Detection] = []
    cooldown = cfg.cooldown_minutes // cfg.bin_minutes
    for t in range(n_topics):
        bins = np.flatnonzero(fire[t])
        current: Detection | None = None
        for b in bins:
            if current is not None and b - current.last_bin <= cooldown:
                current.last_bin = int(b)
                if best_score[t, b] > current.score:
                    current.score = float(best_score[t, b])
                    current.count = int(best_obs[t, b])
                    current.expected = float(best_exp[t, b])
                    current.window_bins = int(best_win[t, b])
                continue
            current = Detection(t, int(b), int(b), int(best_win[t, b]), int(best_obs[t, b]),
                                float(best_exp[t, b]), float(best_score[t, b]))
            detections.append(current)
    detections.sort(key=lambda d: (d.first_bin, d.topic))
    return detections


# --- topics ----------------------------------------------------------------------------------


_noun_cache: dict[str, list[str]] = {}


def keywords_of(subject: str) -> list[str]:
    """Candidate issue keywords of a question: kiwi nouns, 2+ characters, no stopwords."""
    hit = _noun_cache.get(subject)
    if hit is None:
        from dasan.text.korean import nouns

        seen: list[str] = []
        for n in nouns(subject):
            if len(n) >= 2 and n not in STOPWORDS and n not in seen:
                seen.append(n)
        hit = seen
        if len(_noun_cache) < 100_000:
            _noun_cache[subject] = hit
    return hit


@dataclass(frozen=True)
class Topic:
    kind: str  # program | category | keyword
    name: str


def topics_of(program: str | None, category: str | None, subject: str | None) -> list[Topic]:
    """The topics one consultation counts toward."""
    out: list[Topic] = []
    if program:
        out.append(Topic("program", program))
    elif subject:
        out.extend(Topic("keyword", kw) for kw in keywords_of(subject) if kw not in CATEGORIES)
    if category:
        out.append(Topic("category", category))
    return out


# --- live scan over the analytical mirror ---------------------------------------------------


@dataclass
class LiveAlert:
    topic: Topic
    window_start: datetime
    window_end: datetime
    count: int
    baseline: float
    score: float
    needs_answer: bool = False
    examples: list[dict[str, Any]] = field(default_factory=list)


def _floor(ts: datetime, minutes: int) -> datetime:
    ts = ts.replace(second=0, microsecond=0)
    return ts - timedelta(minutes=ts.minute % minutes)


def _window_counts(engine: AnalyticsEngine, start: datetime, end: datetime
                   ) -> dict[Topic, int]:
    """Counts per topic for consultations started in [start, end)."""
    out: dict[Topic, int] = {}
    rows = engine.rows(
        "SELECT c.program, c.category, c.subject, count(*) FROM consultations c "
        "WHERE c.started_local >= ? AND c.started_local < ? GROUP BY ALL", [start, end],
    )
    for program, category, subject, n in rows:
        for key in topics_of(program, category, subject):
            out[key] = out.get(key, 0) + int(n)
    return out


def kb_covers(engine: AnalyticsEngine, topic: Topic) -> bool:
    """Whether some knowledge-base entry answers this topic (title, program or variants)."""
    if topic.kind == "category":
        return True
    pattern = f"%{topic.name.replace('%', '').replace('_', '')}%"
    row = engine.rows(
        "SELECT count(*) FROM kb_entries WHERE coalesce(status, '') <> 'archived' AND "
        "(program ILIKE ? OR title ILIKE ? OR question_variants ILIKE ?)",
        [pattern, pattern, pattern],
    )
    return bool(row and row[0][0])


def _examples(engine: AnalyticsEngine, topic: Topic, start: datetime, end: datetime,
              limit: int = 3) -> list[dict[str, Any]]:
    if topic.kind == "program":
        cond, arg = "c.program = ?", topic.name
    elif topic.kind == "category":
        cond, arg = "c.category = ?", topic.name
    else:
        cond, arg = "(c.program IS NULL OR c.program = '') AND c.subject LIKE ?", \
            f"%{topic.name}%"
    rows = engine.rows(
        f"SELECT c.id, c.started_local, c.channel, c.subject FROM consultations c "
        f"WHERE c.started_local >= ? AND c.started_local < ? AND {cond} "
        f"ORDER BY c.started_local DESC LIMIT ?", [start, end, arg, limit],
    )
    return [{"id": int(i), "started_at": s.isoformat(sep=" ", timespec="minutes"),
             "channel": ch, "subject": for_record(subj)} for i, s, ch, subj in rows]


def scan(engine: AnalyticsEngine, now: datetime | None = None,
         cfg: AlerterConfig | None = None) -> list[LiveAlert]:
    """Score every topic for the windows ending at `now` (aware, or naive UTC; floored to a
    bin). Windows, reference days and weekdays are the city's wall-clock time (ADR 0018); the
    alerts carry their windows as aware UTC."""
    cfg = cfg or AlerterConfig()
    end = _floor(to_local(now or datetime.now(UTC)), cfg.bin_minutes)
    found: dict[Topic, LiveAlert] = {}
    for w_min in cfg.windows_minutes:
        start = end - timedelta(minutes=w_min)
        current = _window_counts(engine, start, end)
        past = _reference_counts(engine, start, end, cfg.baseline_weeks)
        topics = sorted(current, key=lambda t: (t.kind, t.name))
        if not topics:
            continue
        obs = np.array([current[t] for t in topics], dtype=np.float64)
        hist = np.array([[p.get(t, 0) if p is not None else np.nan for p in past]
                         for t in topics], dtype=np.float64)
        expected, weeks = robust_baseline(hist, cfg.min_weeks)
        score = surprise(obs, expected, weeks, cfg)
        ok = passes(obs, expected, score, cfg)
        for i in np.flatnonzero(ok):
            t = topics[i]
            prev = found.get(t)
            if prev is None or score[i] > prev.score:
                found[t] = LiveAlert(t, local_to_utc(start), local_to_utc(end), int(obs[i]),
                                     float(expected[i]), float(score[i]))
    alerts = sorted(found.values(), key=lambda a: -a.score)
    for a in alerts:
        a.needs_answer = not kb_covers(engine, a.topic)
        a.examples = _examples(engine, a.topic, to_local(a.window_start), to_local(a.window_end))
    return alerts


def _reference_counts(engine: AnalyticsEngine, start: datetime, end: datetime, weeks: int
                      ) -> list[dict[Topic, int] | None]:
    """Counts of the same window on each of the `weeks` previous reference days (None where
    that day has no data). A window across midnight takes each part from its own day type,
    as `scan_matrix` does bin by bin."""
    segments: list[tuple[datetime, datetime]] = []
    cur = start
    while cur < end:
        midnight = datetime.combine(cur.date() + timedelta(days=1), datetime.min.time())
        segments.append((cur, min(end, midnight)))
        cur = min(end, midnight)
    refs = {seg: reference_days(seg[0].date(), weeks) for seg in segments}
    out: list[dict[Topic, int] | None] = []
    for k in range(weeks):
        total: dict[Topic, int] | None = {}
        for seg in segments:
            days = refs[seg]
            if k >= len(days) or total is None:
                total = None
                break
            shift = seg[0].date() - days[k]
            part = _window_counts(engine, seg[0] - shift, seg[1] - shift)
            if not part and not _has_data(engine, seg[0] - shift, seg[1] - shift):
                total = None
                break
            for t, n in part.items():
                total[t] = total.get(t, 0) + n
        out.append(total)
    return out


def _has_data(engine: AnalyticsEngine, start: datetime, end: datetime) -> bool:
    """A week counts in the baseline only if the mirror holds consultations around it."""
    row = engine.rows(
        "SELECT count(*) FROM consultations WHERE started_local >= ? AND started_local < ?",
        [start - timedelta(hours=12), end + timedelta(hours=12)],
    )
    return bool(row and row[0][0])


def persist(session: Session, alerts: Sequence[LiveAlert],
            cfg: AlerterConfig | None = None) -> list[Alert]:
    """Store alerts; a topic that already alerted within the cool-down is updated instead."""
    cfg = cfg or AlerterConfig()
    stored: list[Alert] = []
    for a in alerts:
        recent = session.scalar(
            select(Alert).where(
                Alert.topic == a.topic.name,
                Alert.topic_kind == a.topic.kind,
                Alert.window_end >= a.window_start - timedelta(minutes=cfg.cooldown_minutes),
            ).order_by(Alert.window_end.desc()).limit(1)
        )
        if recent is not None:
            # The scan's windows are naive UTC (the mirror's form); stored rows are aware.
            recent.window_end = max(recent.window_end, as_utc(a.window_end))
            if a.score > recent.score:
                recent.score, recent.count, recent.baseline = a.score, a.count, a.baseline
                recent.examples = a.examples
            recent.needs_answer = a.needs_answer
            stored.append(recent)
            continue
        row = Alert(topic=a.topic.name, topic_kind=a.topic.kind, window_start=a.window_start,
                    window_end=a.window_end, count=a.count, baseline=a.baseline, score=a.score,
                    needs_answer=a.needs_answer, examples=a.examples)
        session.add(row)
        stored.append(row)
    session.flush()
    return stored


def recent_alerts(session: Session, limit: int = 20) -> list[Alert]:
    """Newest alerts first (for the supervisor dashboard)."""
    if limit <= 0:
        raise BadRequest("limit must be positive")
    return list(session.scalars(
        select(Alert).order_by(Alert.window_end.desc(), Alert.id.desc()).limit(limit)
    ))


TOPIC_KIND_LABELS: dict[str, tuple[str, str]] = {
    "program": ("사업", "Program"), "category": ("분야", "Category"),
    "keyword": ("키워드", "Keyword"),
}


def alert_payload(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "topic": alert.topic,
        "topic_kind": alert.topic_kind,
        "topic_kind_ko": TOPIC_KIND_LABELS.get(alert.topic_kind, (alert.topic_kind, ""))[0],
        "window_start": as_utc(alert.window_start).isoformat(),
        "window_end": as_utc(alert.window_end).isoformat(),
        "count": alert.count,
        "baseline": round(alert.baseline, 2),
        "score": round(alert.score, 2),
        "needs_answer": alert.needs_answer,
        "examples": alert.examples,
        "acknowledged": alert.acknowledged,
    }


class WebhookError(RuntimeError):
    """The alert webhook could not be reached or refused the alert."""


def send_webhook(url: str, alerts: Sequence[Alert], timeout: float = 5.0) -> int:
    """POST the alerts as JSON to `url`; returns the HTTP status."""
    if not url.startswith(("http://", "https://")):
        raise BadRequest(f"webhook URL must start with http:// or https://, got {url!r}")
    import httpx

    body = {"source": "dasan.alerter", "alerts": [alert_payload(a) for a in alerts]}
    try:
        resp = httpx.post(url, json=body, timeout=timeout)
    except httpx.HTTPError as exc:
        raise WebhookError(f"alert webhook {url} unreachable: {exc}") from exc
    if resp.status_code >= 400:
        raise WebhookError(f"alert webhook {url} answered HTTP {resp.status_code}")
    return resp.status_code
