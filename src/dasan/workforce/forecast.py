"""Contacts per 30-minute interval and channel: fit on history, forecast, holdout accuracy.

The model is the classic call-centre split of *how many per day* and *how they spread over
the day*:

* daily total per channel: Poisson regression (log link) on day-of-week, Korean public holiday
  (``holidays.KR``, substitute days included), the day after a holiday, and a linear trend;
* intraday profile: the share of the day in each half-hour, per day type (Monday..Sunday,
  holiday), shrunk toward the all-days profile when a day type has few observations.

The core works on plain numpy arrays (:class:`IntervalCounts`); :func:`load_counts` reads the
``consultations`` table through a SQLAlchemy session.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from dasan.errors import BadRequest
from dasan.timeutil import local_midnight, local_zone, to_local

SLOTS_PER_DAY = 48
SLOT_MINUTES = 30
HOLIDAY = 7  # day-type index after Monday(0)..Sunday(6)
DAY_TYPE_NAMES = ["월", "화", "수", "목", "금", "토", "일", "공휴일"]


@lru_cache(maxsize=64)
def _kr_holidays(year: int) -> frozenset[date]:
    import holidays  # on the first forecast, not with the web app

    return frozenset(holidays.country_holidays("KR", years=year).keys())


def is_holiday(day: date) -> bool:
    """Korean public holiday (incl. substitute holidays), per the `holidays` package."""
    return day in _kr_holidays(day.year)


def day_type(day: date) -> int:
    return HOLIDAY if is_holiday(day) else day.weekday()


@dataclass
class IntervalCounts:
    """Counts per 30-minute interval: ``counts[i, c]`` for interval i from ``start`` and channel c.

    ``start`` is a midnight and the series covers whole days.
    """

    start: datetime
    channels: list[str]
    counts: np.ndarray

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=float)
        if self.counts.ndim == 1:
            self.counts = self.counts[:, None]
        if self.counts.ndim != 2:
            raise BadRequest("counts must be a 2-D array (intervals x channels)")
        if self.counts.shape[1] != len(self.channels):
            raise BadRequest(
                f"{self.counts.shape[1]} count columns but {len(self.channels)} channel names"
            )
        if self.counts.shape[0] % SLOTS_PER_DAY:
            raise BadRequest(
                f"history must cover whole days of {SLOTS_PER_DAY} half-hours; "
                f"got {self.counts.shape[0]} intervals"
            )
        if (self.start.hour, self.start.minute, self.start.second) != (0, 0, 0):
            raise BadRequest("history must start at midnight")
        if np.any(~np.isfinite(self.counts)) or np.any(self.counts < 0):
            raise BadRequest("counts must be finite and >= 0")

    @property
    def days(self) -> int:
        return self.counts.shape[0] // SLOTS_PER_DAY

    @property
    def dates(self) -> list[date]:
        first = self.start.date()
        return [first + timedelta(days=i) for i in range(self.days)]

    def daily(self) -> np.ndarray:
        """(days, 48, channels)."""
        return self.counts.reshape(self.days, SLOTS_PER_DAY, len(self.channels))

    def channel(self, name: str) -> np.ndarray:
        try:
            return self.counts[:, self.channels.index(name)]
        except ValueError:
            raise BadRequest(f"unknown channel {name!r}; have {self.channels}") from None

    def split(self, holdout_days: int) -> tuple[IntervalCounts, IntervalCounts]:
        if not 0 < holdout_days < self.days:
            raise BadRequest(
                f"holdout must be between 1 and {self.days - 1} days, got {holdout_days}"
            )
        cut = (self.days - holdout_days) * SLOTS_PER_DAY
        train = IntervalCounts(self.start, list(self.channels), self.counts[:cut])
        test_start = self.start + timedelta(days=self.days - holdout_days)
        test = IntervalCounts(test_start, list(self.channels), self.counts[cut:])
        return train, test

    def timestamps(self) -> list[datetime]:
        step = timedelta(minutes=SLOT_MINUTES)
        return [self.start + i * step for i in range(self.counts.shape[0])]


def counts_from_events(
    events: Iterable[tuple[datetime, str]],
    channels: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> IntervalCounts:
    """Bucket (timestamp, channel) pairs into half-hours over whole days [start, end)."""
    items = list(events)
    if not items and (start is None or end is None):
        raise BadRequest("no events to count and no date range given")
    names = list(channels) if channels is not None else sorted({c for _, c in items})
    if not names:
        raise BadRequest("no channels to count")
    first = start or min(ts for ts, _ in items).date()
    last = end or (max(ts for ts, _ in items).date() + timedelta(days=1))
    days = (last - first).days
    if days <= 0:
        raise BadRequest(f"empty date range {first}..{last}")
    origin = datetime.combine(first, datetime.min.time())
    counts = np.zeros((days * SLOTS_PER_DAY, len(names)))
    index = {c: i for i, c in enumerate(names)}
    for ts, ch in items:
        if ch not in index:
            continue
        slot = int((ts - origin).total_seconds() // (SLOT_MINUTES * 60))
        if 0 <= slot < counts.shape[0]:
            counts[slot, index[ch]] += 1
    return IntervalCounts(origin, names, counts)


def load_counts(
    session: Any,
    start: date,
    end: date,
    channels: Sequence[str] | None = None,
) -> IntervalCounts:
    """Counts per half-hour from ``consultations`` (stored as UTC) on the city's wall clock:
    local days ``start`` .. ``end`` (exclusive) in the configured zone (ADR 0018)."""
    from sqlalchemy import select

    from dasan.db.models import Consultation

    if end <= start:
        raise BadRequest(f"end {end} must be after start {start}")
    tz = local_zone()
    lo, hi = local_midnight(start, tz), local_midnight(end, tz)
    stmt = select(Consultation.started_at, Consultation.channel).where(
        Consultation.started_at >= lo, Consultation.started_at < hi
    )
    if channels is not None:
        stmt = stmt.where(Consultation.channel.in_(list(channels)))
    rows = session.execute(stmt).all()
    # Local wall-clock times (naive), the form the interval grid counts in.
    events = [(to_local(ts, tz), ch) for ts, ch in rows]
    if channels is None and not events:
        raise BadRequest(f"no consultations between {start} and {end}")
    return counts_from_events(events, channels=channels, start=start, end=end)


def _design(days: Sequence[date], origin: date) -> np.ndarray:
    """Columns: weekday one-hot (Mon..Sun), holiday, holiday on a weekend, the first working day
    after a holiday, trend (years). The holiday terms multiply the weekday's level; holidays
    never seen in the history get their weekday's level."""
    x = np.zeros((len(days), 11))
    for i, d in enumerate(days):
        wd = d.weekday()
        x[i, wd] = 1.0
        if is_holiday(d):
            x[i, 7] = 1.0
            x[i, 8] = 1.0 if wd >= 5 else 0.0
        elif wd < 5 and is_holiday(d - timedelta(days=1)):
            x[i, 9] = 1.0
        x[i, 10] = (d - origin).days / 365.0
    return x


@dataclass
class ChannelModel:
    coef: np.ndarray
    intercept: float
    profiles: np.ndarray  # (8 day types, 48)
    known_holiday: bool


@dataclass
class ForecastModel:
    origin: date
    channels: list[str]
    models: list[ChannelModel] = field(default_factory=list)

    def predict(self, start: date, days: int) -> IntervalCounts:
        if days <= 0:
            raise BadRequest("forecast horizon must be at least one day")
        dates = [start + timedelta(days=i) for i in range(days)]
        out = np.zeros((days * SLOTS_PER_DAY, len(self.channels)))
        for c, m in enumerate(self.models):
            x = _design(dates, self.origin)
            totals = np.exp(x @ m.coef + m.intercept)
            for i, d in enumerate(dates):
                dt = day_type(d)
                out[i * SLOTS_PER_DAY : (i + 1) * SLOTS_PER_DAY, c] = totals[i] * m.profiles[dt]
        return IntervalCounts(datetime.combine(start, datetime.min.time()), self.channels, out)


def fit(history: IntervalCounts, profile_prior: float = 3.0) -> ForecastModel:
    """Fit the day-total regression and intraday profiles for every channel."""
    if history.days < 7:
        raise BadRequest(f"need at least 7 days of history to fit, got {history.days}")
    from sklearn.linear_model import PoissonRegressor  # heavy import, only when fitting

    dates = history.dates
    origin = dates[0]
    types = np.array([day_type(d) for d in dates])
    known_holiday = bool((types == HOLIDAY).any())
    x = _design(dates, origin)
    daily = history.daily()
    model = ForecastModel(origin, list(history.channels))
    for c in range(len(history.channels)):
        per_day = daily[:, :, c]
        totals = per_day.sum(axis=1)
        if totals.sum() == 0:
            model.models.append(
                ChannelModel(
                    np.zeros(x.shape[1]), -np.inf, np.full((8, SLOTS_PER_DAY), 0.0), known_holiday
                )
            )
            continue
        reg = PoissonRegressor(
            alpha=1e-6, max_iter=300, fit_intercept=True, solver="newton-cholesky"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.fit(x, totals)
        overall = per_day.sum(axis=0) / per_day.sum()
        profiles = np.empty((8, SLOTS_PER_DAY))
        for t in range(8):
            sel = per_day[types == t]
            k = profile_prior * max(1.0, sel.sum() / max(1, len(sel)))  # prior in "days"
            profiles[t] = (sel.sum(axis=0) + k * overall) / (sel.sum() + k)
        model.models.append(
            ChannelModel(np.asarray(reg.coef_), float(reg.intercept_), profiles, known_holiday)
        )
    return model


def forecast(history: IntervalCounts, start: date | None = None, days: int = 7) -> IntervalCounts:
    """Fit on ``history`` and forecast ``days`` days from ``start`` (default: the day after)."""
    model = fit(history)
    first = start or (history.start.date() + timedelta(days=history.days))
    return model.predict(first, days)


@dataclass
class Accuracy:
    channel: str
    mape: float  # mean absolute percentage error per interval (intervals with actual >= 1)
    wape: float  # sum |error| / sum actual, per interval
    daily_mape: float
    naive_mape: float  # seasonal naive: same half-hour one week earlier
    naive_wape: float

    def to_dict(self) -> dict[str, Any]:
        return {k: float(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def _mape(actual: np.ndarray, pred: np.ndarray, min_actual: float = 1.0) -> float:
    mask = actual >= min_actual
    if not mask.any():
        return float("nan")
    return float(np.mean(np.abs(pred[mask] - actual[mask]) / actual[mask]))


def _wape(actual: np.ndarray, pred: np.ndarray) -> float:
    total = actual.sum()
    return float(np.abs(pred - actual).sum() / total) if total > 0 else float("nan")


def evaluate(history: IntervalCounts, holdout_days: int = 7) -> list[Accuracy]:
    """Fit on all but the last ``holdout_days`` days, forecast them and score per channel."""
    train, test = history.split(holdout_days)
    if train.days < 7:
        raise BadRequest("need at least 7 training days before the holdout")
    pred = fit(train).predict(test.start.date(), test.days)
    out = []
    for c, name in enumerate(history.channels):
        a = test.counts[:, c]
        p = pred.counts[:, c]
        naive_src = history.counts[:, c]
        cut = train.counts.shape[0]
        week = 7 * SLOTS_PER_DAY
        naive = np.array([naive_src[cut + i - week] for i in range(a.size)])
        for i in range(a.size):  # beyond a week of holdout, repeat the last known week
            if cut + i - week >= cut:
                naive[i] = naive[i - week]
        da = a.reshape(-1, SLOTS_PER_DAY).sum(axis=1)
        dp = p.reshape(-1, SLOTS_PER_DAY).sum(axis=1)
        out.append(
            Accuracy(
                name,
                _mape(a, p),
                _wape(a, p),
                _mape(da, dp),
                _mape(a, naive),
                _wape(a, naive),
            )
        )
    return out


def synthetic_rates(
    start: date,
    days: int,
    daily_mean: float = 2000.0,
    trend_per_year: float = 0.0,
    holiday_factor: float = 0.6,
) -> np.ndarray:
    """Expected contacts per half-hour: a two-peak day (morning, after lunch, evening),
    busier Mondays and Fridays, quiet weekends and holidays, optional linear trend."""
    if days <= 0:
        raise BadRequest("days must be > 0")
    if daily_mean < 0:
        raise BadRequest("daily mean must be >= 0")
    slot_hours = (np.arange(SLOTS_PER_DAY) + 0.5) / 2
    shape = (
        0.15
        + np.exp(-0.5 * ((slot_hours - 10.0) / 1.6) ** 2)
        + 0.8 * np.exp(-0.5 * ((slot_hours - 14.5) / 2.0) ** 2)
        + 0.3 * np.exp(-0.5 * ((slot_hours - 19.0) / 1.5) ** 2)
    )
    shape[:12] *= 0.25
    shape /= shape.sum()
    weekday = np.array([1.25, 1.05, 1.0, 1.0, 1.15, 0.55, 0.45])
    weekday = weekday / weekday.mean()
    out = np.zeros(days * SLOTS_PER_DAY)
    for i in range(days):
        d = start + timedelta(days=i)
        level = daily_mean * weekday[d.weekday()] * (1 + trend_per_year * i / 365.0)
        if is_holiday(d):
            level *= holiday_factor
        out[i * SLOTS_PER_DAY : (i + 1) * SLOTS_PER_DAY] = level * shape
    return out


def synthetic_history(
    start: date,
    days: int,
    daily_mean: float = 2000.0,
    channels: Sequence[str] = ("phone",),
    channel_share: Sequence[float] | None = None,
    trend_per_year: float = 0.0,
    holiday_factor: float = 0.6,
    seed: int = 0,
) -> IntervalCounts:
    """Seeded Poisson counts around :func:`synthetic_rates` (for tests and demos)."""
    rates = synthetic_rates(start, days, daily_mean, trend_per_year, holiday_factor)
    rng = np.random.default_rng(seed)
    shares = np.asarray(channel_share if channel_share is not None else [1.0] * len(channels))
    if shares.size != len(channels) or np.any(shares < 0) or shares.sum() <= 0:
        raise BadRequest("channel shares must be >= 0, one per channel")
    shares = shares / shares.sum()
    out = rng.poisson(rates[:, None] * shares[None, :]).astype(float)
    return IntervalCounts(datetime.combine(start, datetime.min.time()), list(channels), out)
