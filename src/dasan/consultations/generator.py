"""Reproducible demo history of consultations, calibrated on the seed's own figures.

Volumes: a daily average of 18,056 consultations (2023) split over the nine channels in the 2023
channel mix. Shape: a weekday profile (Mondays and Fridays heavy, weekends and public holidays
light) and an hour-of-day profile with the commute and lunch peaks the city calls weak hours.
Everything is vectorised with NumPy so a Seoul year (~6.6 M rows) takes seconds, and a seed makes
every run identical.

The profiles are the city's: days are local days and the hour profile is local hours (ADR 0018).
The timestamps written are true UTC (naive `datetime64`, the form the writers store), so the
09:00-11:00 KST morning peak is stored at 00:00-02:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays
import numpy as np

from dasan.consultations.channels import ARS_MENU, CATEGORIES, CHANNELS
from dasan.consultations.districts import DISTRICTS
from dasan.timeutil import local_midnight, local_zone, zone

DAILY_AVERAGE_2023 = 18_056

# Monday .. Sunday, relative to an average weekday.
WEEKDAY_WEIGHT = np.array([1.28, 1.05, 1.0, 0.98, 1.12, 0.42, 0.34])
HOLIDAY_WEIGHT = 0.38
# Hour-of-day demand (0..23): morning commute, a lunch bump, evening commute.
HOUR_WEIGHT = np.array(
    [0.16, 0.10, 0.07, 0.05, 0.05, 0.08, 0.22, 0.55, 1.35, 1.95, 2.05, 1.90,
     1.62, 1.85, 1.92, 1.80, 1.70, 1.52, 1.15, 0.78, 0.58, 0.46, 0.35, 0.25]
)  # fmt: skip
PHONE_QUEUES = ("transport", "water", "welfare_admin", "foreign", "general")
PHONE_QUEUE_P = np.array([0.27, 0.08, 0.22, 0.02, 0.41])
QUEUE_ARS = {v[0]: k for k, v in ARS_MENU.items()}
OUTCOME_CODES = ("answered", "abandoned_in_queue", "abandoned_in_ars", "transferred",
                 "forced_terminated", "callback")
FOREIGN_LANGS = ("en", "zh", "ja", "vi", "mn")
ARS_EXIT_SHARE = 0.07
FOREIGN_LANG_P = np.array([0.42, 0.30, 0.14, 0.09, 0.05])


@dataclass(frozen=True)
class Topic:
    program: str | None
    title: str
    category: str


DEFAULT_TOPICS: tuple[Topic, ...] = (
    Topic("기후동행카드", "기후동행카드 충전은 어떻게 하나요?", "교통"),
    Topic("기후동행카드", "기후동행카드는 어디서 발급받나요?", "교통"),
    Topic("따릉이", "따릉이 정기권 환불 방법", "교통"),
    Topic(None, "불법 주정차 신고 방법", "교통"),
    Topic(None, "수도 요금 납부 방법", "행정"),
    Topic(None, "긴급복지 생계지원 신청", "복지"),
    Topic("서울페이", "서울사랑상품권 구매 방법", "경제"),
    Topic(None, "대형 폐기물 배출 신고", "환경"),
    Topic(None, "여권 발급 구비서류", "행정"),
    Topic("손목닥터9988", "손목닥터9988 포인트 사용처", "건강"),
)


@dataclass
class GeneratorConfig:
    start: date
    days: int
    seed: int = 120
    daily_average: float = DAILY_AVERAGE_2023
    topics: Sequence[Topic] = field(default_factory=lambda: DEFAULT_TOPICS)
    agents: int = 400  # agent ids 1..agents are assigned to answered live contacts
    timezone: str | None = None  # the profiles' zone (default: DASAN_LOCAL_TIMEZONE)

    def __post_init__(self) -> None:
        if self.days <= 0:
            raise ValueError("days must be positive")
        if self.daily_average <= 0:
            raise ValueError("daily_average must be positive")
        if not self.topics:
            raise ValueError("at least one topic is needed")
        if self.agents <= 0:
            raise ValueError("agents must be positive")


def _channel_mix() -> tuple[list[str], np.ndarray, np.ndarray]:
    codes = [c.code for c in CHANNELS]
    share = np.array([c.annual_2023 for c in CHANNELS], dtype=float)
    live = np.array([c.live for c in CHANNELS])
    return codes, share / share.sum(), live


def _raw_weight(day: date, kr_holidays: holidays.HolidayBase) -> float:
    return float(HOLIDAY_WEIGHT if day in kr_holidays else WEEKDAY_WEIGHT[day.weekday()])


def day_weight(day: date, kr_holidays: holidays.HolidayBase) -> float:
    """Relative demand of one day; the days of a calendar year average to 1."""
    first = date(day.year, 1, 1)
    n_days = (date(day.year + 1, 1, 1) - first).days
    mean = sum(_raw_weight(first + timedelta(days=i), kr_holidays) for i in range(n_days)) / n_days
    return _raw_weight(day, kr_holidays) / mean


def generate(config: GeneratorConfig) -> Iterator[dict[str, np.ndarray]]:
    """Yield one columnar batch (dict of equal-length arrays) per generated day."""
    rng = np.random.default_rng(config.seed)
    tz = zone(config.timezone) if config.timezone else local_zone()
    codes, mix, live_mask = _channel_mix()
    years = range(config.start.year, (config.start + timedelta(days=config.days)).year + 1)
    kr = holidays.country_holidays("KR", years=list(years))
    hour_p = HOUR_WEIGHT / HOUR_WEIGHT.sum()
    n_topics = len(config.topics)
    topic_p = 1.0 / np.arange(1, n_topics + 1) ** 0.9  # a few topics dominate, long tail
    topic_p = topic_p[rng.permutation(n_topics)]
    topic_p /= topic_p.sum()
    topic_program = np.array([t.program or "" for t in config.topics], dtype=object)
    topic_title = np.array([t.title for t in config.topics], dtype=object)
    topic_cat = np.array(
        [t.category if t.category in CATEGORIES else "행정" for t in config.topics], dtype=object
    )
    dist_codes = np.array([d.code for d in DISTRICTS])
    dist_p = np.array([d.population_k for d in DISTRICTS], dtype=float)
    dist_p /= dist_p.sum()
    codes_arr = np.array(codes)
    queue_arr = np.array(PHONE_QUEUES)
    ars_arr = np.array([QUEUE_ARS[q] for q in PHONE_QUEUES])

    year_mean: dict[int, float] = {}
    for offset in range(config.days):
        day = config.start + timedelta(days=offset)
        if day.year not in year_mean:
            year_mean[day.year] = day_weight(day, kr) / _raw_weight(day, kr)
        weight = _raw_weight(day, kr) * year_mean[day.year]
        n = int(rng.poisson(config.daily_average * weight))
        # the local day starts at this UTC instant (15:00 UTC the day before, in Seoul)
        day0 = np.datetime64(local_midnight(day, tz).replace(tzinfo=None).isoformat(), "s")
        hours = rng.choice(24, size=n, p=hour_p)
        secs = hours * 3600 + rng.integers(0, 3600, size=n)
        order = np.argsort(secs, kind="stable")
        started = day0 + secs[order].astype("timedelta64[s]")
        ch_idx = rng.choice(len(codes), size=n, p=mix)
        channel = codes_arr[ch_idx]
        live = live_mask[ch_idx]
        is_phone = channel == "phone"

        q_idx = rng.choice(len(PHONE_QUEUES), size=n, p=PHONE_QUEUE_P)
        # Some callers leave in the ARS menu (served by its announcements, or hang up) and never
        # reach an agent: they count in total inflow (총 인입) but not in inflow (상담사 인입).
        ars_exit = is_phone & (rng.random(n) < ARS_EXIT_SHARE)
        queue = np.where(is_phone, queue_arr[q_idx], np.where(live, "general", ""))
        queue[ars_exit] = ""
        ars = np.where(is_phone, ars_arr[q_idx], "")
        language = np.full(n, "ko", dtype=object)
        foreign = (channel == "foreign_language") | (queue == "foreign")
        language[foreign] = np.array(FOREIGN_LANGS)[
            rng.choice(len(FOREIGN_LANGS), size=int(foreign.sum()), p=FOREIGN_LANG_P)
        ]

        # Load factor of the hour drives waiting and abandonment.
        load = HOUR_WEIGHT[hours[order]] / HOUR_WEIGHT.max()
        u = rng.random(n)
        p_abandon = np.where(live, 0.03 + 0.12 * load**2, 0.0)
        outcome = np.full(n, "answered", dtype=object)
        abandoned = (u < p_abandon) | ars_exit
        # where the caller left, in ADR 0004's names: in the ARS menu or waiting in the queue
        outcome[abandoned] = "abandoned_in_queue"
        outcome[ars_exit] = "abandoned_in_ars"
        rest = rng.random(n)
        outcome[~abandoned & live & (rest < 0.012)] = "callback"
        outcome[~abandoned & live & (rest >= 0.012) & (rest < 0.032)] = "transferred"
        outcome[~abandoned & live & (rest >= 0.032) & (rest < 0.0335)] = "forced_terminated"

        wait = np.where(live, rng.exponential(8.0 + 55.0 * load**2), 0.0)
        wait[abandoned] = rng.exponential(35.0 + 40.0 * load[abandoned])
        wait[ars_exit] = 0.0
        handle = np.where(
            abandoned, 0.0, rng.lognormal(np.log(150.0), 0.65, size=n)
        )
        handle[~live] = rng.lognormal(np.log(60.0), 0.5, size=int((~live).sum()))
        queued = started + np.where(is_phone, rng.integers(15, 50, size=n), 0).astype(
            "timedelta64[s]"
        )
        answered_at = queued + wait.astype("timedelta64[s]")
        ended = answered_at + handle.astype("timedelta64[s]")
        has_answer = ~abandoned
        agent = np.where(live & has_answer, rng.integers(1, config.agents + 1, size=n), 0)

        t_idx = rng.choice(n_topics, size=n, p=topic_p)
        district = dist_codes[rng.choice(len(dist_codes), size=n, p=dist_p)]
        crisis = rng.random(n) < 0.0004
        priority = np.where(crisis, 2, np.where(queue == "welfare_admin", 1, 0))
        yield {
            "channel": channel,
            "ars_option": ars,
            "queue": queue,
            "started_at": started,
            "queued_at": queued,
            "answered_at": answered_at,
            "ended_at": ended,
            "has_answer": has_answer,
            "wait_seconds": np.round(wait, 1),
            "handle_seconds": np.round(handle, 1),
            "outcome": outcome,
            "language": language,
            "district_code": district,
            "agent": agent,
            "category": topic_cat[t_idx],
            "program": topic_program[t_idx],
            "subject": topic_title[t_idx],
            "priority": priority,
            "crisis": crisis,
        }


def batch_rows(batch: dict[str, np.ndarray]) -> Iterator[dict[str, object]]:
    """Rows as plain dicts (Python scalars, `datetime`s) for the database writer."""
    n = len(batch["channel"])
    started = batch["started_at"].astype("datetime64[us]").astype(datetime)
    queued = batch["queued_at"].astype("datetime64[us]").astype(datetime)
    answered = batch["answered_at"].astype("datetime64[us]").astype(datetime)
    ended = batch["ended_at"].astype("datetime64[us]").astype(datetime)
    cols = {k: batch[k].tolist() for k in batch if not k.endswith("_at")}
    for i in range(n):
        has_answer = cols["has_answer"][i]
        yield {
            "channel": cols["channel"][i],
            "ars_option": cols["ars_option"][i] or None,
            "queue": cols["queue"][i] or None,
            "started_at": started[i],
            "queued_at": queued[i] if cols["queue"][i] else None,
            "answered_at": answered[i] if has_answer else None,
            "ended_at": ended[i],
            "wait_seconds": cols["wait_seconds"][i],
            "handle_seconds": cols["handle_seconds"][i] if has_answer else None,
            "outcome": cols["outcome"][i],
            "language": cols["language"][i],
            "district_code": cols["district_code"][i],
            "agent": cols["agent"][i] or None,
            "category": cols["category"][i],
            "program": cols["program"][i] or None,
            "subject": cols["subject"][i],
            "priority": cols["priority"][i],
            "crisis": cols["crisis"][i],
        }
