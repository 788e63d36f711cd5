from collections import Counter
from datetime import date

import numpy as np
import pytest

from dasan.consultations.channels import CHANNELS
from dasan.consultations.generator import DAILY_AVERAGE_2023, GeneratorConfig, generate
from dasan.consultations.outcomes import ABANDONED_OUTCOMES


def _concat(cfg: GeneratorConfig) -> dict[str, np.ndarray]:
    batches = list(generate(cfg))
    return {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}


def test_same_seed_same_history_and_other_seed_differs() -> None:
    a = _concat(GeneratorConfig(date(2023, 3, 6), 2, seed=7))
    b = _concat(GeneratorConfig(date(2023, 3, 6), 2, seed=7))
    c = _concat(GeneratorConfig(date(2023, 3, 6), 2, seed=8))
    assert len(a["channel"]) == len(b["channel"])
    assert (a["started_at"] == b["started_at"]).all()
    assert (a["outcome"] == b["outcome"]).all()
    assert len(a["channel"]) != len(c["channel"]) or not (a["started_at"] == c["started_at"]).all()


def test_year_volume_and_channel_mix_follow_2023() -> None:
    # The default is 2023's volume; the year is drawn at a tenth of it (the same day weights
    # and mix, 660k rows instead of 6.6 M: seconds of the suite's CPU, not twenty).
    assert GeneratorConfig(date(2023, 1, 1), 365).daily_average == DAILY_AVERAGE_2023
    tenth = DAILY_AVERAGE_2023 / 10
    cols = _concat(GeneratorConfig(date(2023, 1, 1), 365, seed=1, daily_average=tenth))
    n = len(cols["channel"])
    assert abs(n / 365 - tenth) / tenth < 0.01
    counts = Counter(cols["channel"].tolist())
    total_2023 = sum(c.annual_2023 for c in CHANNELS)
    for ch in CHANNELS:
        expected = ch.annual_2023 / total_2023
        assert abs(counts[ch.code] / n - expected) < 0.002 + 0.02 * expected, ch.code


def test_weak_hours_shape_monday_lunch_and_commute() -> None:
    cols = _concat(GeneratorConfig(date(2024, 3, 4), 14, seed=3))  # two plain weeks
    # The profiles are Seoul's wall clock (ADR 0018); stored times are UTC, so read them back
    # on the local clock (+9 h, no daylight saving) before counting weekdays and hours.
    started = cols["started_at"].astype("datetime64[s]") + np.timedelta64(9, "h")
    days = (started.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-05 was a Monday
    hours = (started - started.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    per_weekday = np.bincount(days, minlength=7)
    assert per_weekday[0] > per_weekday[2] > per_weekday[5] > 0  # Mon > Wed > Sat
    per_hour = np.bincount(hours, minlength=24)
    assert per_hour[9] > 5 * per_hour[3]  # morning commute vs night
    assert per_hour[13] > per_hour[19]


def test_public_holiday_is_light() -> None:
    # 2024-09-17 is Chuseok (a Tuesday); 2024-09-24 a plain Tuesday.
    holiday = _concat(GeneratorConfig(date(2024, 9, 17), 1, seed=5))
    plain = _concat(GeneratorConfig(date(2024, 9, 24), 1, seed=5))
    assert len(holiday["channel"]) < 0.6 * len(plain["channel"])


def test_times_are_ordered_and_abandoned_calls_have_no_agent() -> None:
    cols = _concat(GeneratorConfig(date(2023, 5, 2), 1, seed=11))
    assert (cols["queued_at"] >= cols["started_at"]).all()
    assert (cols["answered_at"] >= cols["queued_at"]).all()
    assert (cols["ended_at"] >= cols["answered_at"]).all()
    abandoned = np.isin(cols["outcome"], ABANDONED_OUTCOMES)
    assert abandoned.any()
    assert (cols["agent"][abandoned] == 0).all()


@pytest.mark.parametrize("kwargs", [{"days": 0}, {"days": 1, "daily_average": -1},
                                    {"days": 1, "topics": []}])
def test_bad_config_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        GeneratorConfig(date(2023, 1, 1), **kwargs)  # type: ignore[arg-type]


def test_some_callers_leave_in_the_ars_and_never_reach_an_agent() -> None:
    cols = _concat(GeneratorConfig(date(2023, 5, 2), 3, seed=13))
    phone = cols["channel"] == "phone"
    left_in_ars = phone & (cols["queue"] == "")
    share = left_in_ars.sum() / phone.sum()
    assert 0.05 < share < 0.09
    assert (cols["outcome"][left_in_ars] == "abandoned_in_ars").all()
    reached = phone & (cols["queue"] != "")
    assert not (cols["outcome"][reached] == "abandoned_in_ars").any()
    assert (cols["outcome"][reached] == "abandoned_in_queue").any()
    assert (cols["agent"][left_in_ars] == 0).all()
    # so answered/total inflow is lower than answered/inflow
    answered = phone & (cols["outcome"] == "answered")
    inflow = phone & (cols["queue"] != "")
    assert answered.sum() / phone.sum() < answered.sum() / inflow.sum()


def test_hour_profile_is_local_and_stored_as_utc() -> None:
    # The morning peak (09:00-11:00 in Seoul) is stored at 00:00-02:00 UTC, and the quiet
    # small hours (03:00-04:00 in Seoul) at 18:00-19:00 UTC: the stored UTC hours themselves.
    cols = _concat(GeneratorConfig(date(2024, 3, 5), 1, seed=3, daily_average=6000,
                                   timezone="Asia/Seoul"))
    started = cols["started_at"].astype("datetime64[s]")
    utc_hours = (started - started.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    per_utc_hour = np.bincount(utc_hours, minlength=24)
    assert per_utc_hour.argmax() in (0, 1)  # 09-10 KST
    assert per_utc_hour[1] > 10 * per_utc_hour[18]  # 10 KST vs 03 KST
    # the local day 2024-03-05 runs from 15:00 UTC on the 4th to 15:00 UTC on the 5th
    assert started.min() >= np.datetime64("2024-03-04T15:00:00")
    assert started.max() < np.datetime64("2024-03-05T15:00:00")
    # another zone moves the same local profile to other UTC hours (no +9 hard-coded)
    paris = _concat(GeneratorConfig(date(2024, 3, 5), 1, seed=3, daily_average=6000,
                                    timezone="Europe/Paris"))["started_at"]
    assert (paris - started).min() == np.timedelta64(8, "h")  # UTC+1 in March, not +9
