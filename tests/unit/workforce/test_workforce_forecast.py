"""Half-hour forecast: seasonality, holidays, trend, holdout accuracy; bucketing of events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest

from dasan.errors import DomainError
from dasan.workforce.forecast import (
    SLOTS_PER_DAY,
    IntervalCounts,
    counts_from_events,
    evaluate,
    fit,
    forecast,
    is_holiday,
    synthetic_history,
    synthetic_rates,
)


def test_korean_holidays_come_from_the_holidays_package() -> None:
    assert is_holiday(date(2024, 9, 17))  # Chuseok
    assert is_holiday(date(2024, 5, 6))  # substitute holiday for Children's Day
    assert not is_holiday(date(2024, 9, 23))


def test_forecast_beats_seasonal_naive_on_holdout() -> None:
    hist = synthetic_history(date(2024, 1, 1), 140, daily_mean=6000, seed=3)
    acc = evaluate(hist, holdout_days=14)[0]
    assert acc.daily_mape < 0.05
    assert acc.wape < acc.naive_wape
    assert acc.mape < acc.naive_mape


def test_forecast_recovers_the_expected_rates() -> None:
    start = date(2024, 1, 1)
    hist = synthetic_history(start, 120, daily_mean=8000, seed=5)
    pred = forecast(hist, days=7)
    truth = synthetic_rates(start, 127, daily_mean=8000)[-7 * SLOTS_PER_DAY :]
    assert pred.start == datetime(2024, 4, 30)
    wape = np.abs(pred.counts[:, 0] - truth).sum() / truth.sum()
    assert wape < 0.06


def test_holiday_effect_is_learned() -> None:
    # Jan-Sep 2024 includes Seollal, Samiljeol, Children's Day, ... (holidays at 60% volume).
    hist = synthetic_history(date(2024, 1, 1), 250, daily_mean=5000, holiday_factor=0.6, seed=1)
    model = fit(hist)
    pred = model.predict(date(2024, 9, 16), 7)  # Mon 16 .. Wed 18 are Chuseok
    daily = pred.daily()[:, :, 0].sum(axis=1)
    chuseok_tue = daily[1]
    normal_tue = model.predict(date(2024, 9, 24), 1).counts.sum()
    assert chuseok_tue < 0.75 * normal_tue
    assert chuseok_tue > 0.45 * normal_tue


def test_trend_is_extrapolated() -> None:
    hist = synthetic_history(date(2024, 1, 1), 180, daily_mean=4000, trend_per_year=0.8, seed=2)
    first_weeks = hist.counts[: 28 * SLOTS_PER_DAY].sum() / 28
    pred = forecast(hist, days=28)
    assert pred.counts.sum() / 28 > 1.2 * first_weeks


def test_channels_are_forecast_separately() -> None:
    hist = synthetic_history(date(2024, 1, 1), 60, 3000, ("phone", "chat"), (0.8, 0.2), seed=4)
    pred = forecast(hist, days=7)
    ratio = pred.channel("chat").sum() / pred.channel("phone").sum()
    assert ratio == pytest.approx(0.25, rel=0.1)
    with pytest.raises(DomainError):
        pred.channel("fax")


def test_counts_from_events_buckets_by_half_hour() -> None:
    t0 = datetime(2024, 3, 4, 9, 0)
    events = [
        (t0, "phone"),
        (t0 + timedelta(minutes=29, seconds=59), "phone"),
        (t0 + timedelta(minutes=30), "phone"),
        (t0 + timedelta(minutes=31), "chat"),
        (datetime(2024, 3, 5, 23, 59), "chat"),
    ]
    counts = counts_from_events(events)
    assert counts.days == 2 and counts.channels == ["chat", "phone"]
    phone = counts.channel("phone")
    assert phone[18] == 2 and phone[19] == 1
    assert counts.channel("chat")[19] == 1
    assert counts.channel("chat")[2 * SLOTS_PER_DAY - 1] == 1
    assert counts.counts.sum() == 5


def test_bad_histories_are_refused() -> None:
    with pytest.raises(DomainError, match="whole days"):
        IntervalCounts(datetime(2024, 1, 1), ["phone"], np.ones(50))
    with pytest.raises(DomainError, match="midnight"):
        IntervalCounts(datetime(2024, 1, 1, 9), ["phone"], np.ones(48))
    with pytest.raises(DomainError, match=">= 0"):
        IntervalCounts(datetime(2024, 1, 1), ["phone"], -np.ones(48))
    short = synthetic_history(date(2024, 1, 1), 5, seed=0)
    with pytest.raises(DomainError, match="7 days"):
        fit(short)
    with pytest.raises(DomainError, match="holdout"):
        evaluate(short, holdout_days=5)
    with pytest.raises(DomainError):
        counts_from_events([])
