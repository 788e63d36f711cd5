"""The local-time helpers (ADR 0018): one zone, converted in one module."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import duckdb
import pytest

from dasan.config import get_settings
from dasan.timeutil import (
    duckdb_local,
    local_days,
    local_month,
    local_to_utc,
    local_today,
    sqlite_local,
    to_local,
    utc_offset_minutes,
)

HALF_PAST_MIDNIGHT_APRIL_1 = datetime(2024, 3, 31, 15, 30, tzinfo=UTC)  # in Seoul


def test_a_utc_instant_is_read_on_seoul_s_clock() -> None:
    assert to_local(HALF_PAST_MIDNIGHT_APRIL_1) == datetime(2024, 4, 1, 0, 30)
    assert to_local(HALF_PAST_MIDNIGHT_APRIL_1.replace(tzinfo=None)) == datetime(2024, 4, 1, 0, 30)
    assert local_today(HALF_PAST_MIDNIGHT_APRIL_1) == date(2024, 4, 1)
    assert local_to_utc(datetime(2024, 4, 1, 0, 30)) == HALF_PAST_MIDNIGHT_APRIL_1
    start, end = local_month("2024-04")
    assert start == datetime(2024, 3, 31, 15, tzinfo=UTC)
    assert end == datetime(2024, 4, 30, 15, tzinfo=UTC)
    assert start <= HALF_PAST_MIDNIGHT_APRIL_1 < end
    assert local_days(date(2024, 4, 1), date(2024, 4, 1)) == (start, start.replace(day=1, month=4))


def test_offsets_come_from_the_zone_not_a_constant() -> None:
    assert utc_offset_minutes(HALF_PAST_MIDNIGHT_APRIL_1) == 540
    paris = ZoneInfo("Europe/Paris")
    assert utc_offset_minutes(datetime(2024, 1, 15, tzinfo=UTC), paris) == 60
    assert utc_offset_minutes(datetime(2024, 7, 15, tzinfo=UTC), paris) == 120
    assert local_month("2024-07", paris)[0] == datetime(2024, 6, 30, 22, tzinfo=UTC)
    assert sqlite_local("c.started_at", HALF_PAST_MIDNIGHT_APRIL_1) == \
        "datetime(c.started_at, '+540 minutes')"


def test_duckdb_converts_by_zone_name() -> None:
    sql = duckdb_local("TIMESTAMP '2024-03-31 15:30:00'")
    assert duckdb.connect().execute(f"SELECT {sql}").fetchone() == (datetime(2024, 4, 1, 0, 30),)


def test_the_zone_is_configured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_LOCAL_TIMEZONE", "Europe/Paris")
    get_settings.cache_clear()
    try:
        assert to_local(HALF_PAST_MIDNIGHT_APRIL_1) == datetime(2024, 3, 31, 17, 30)  # CEST
        assert local_today(HALF_PAST_MIDNIGHT_APRIL_1) == date(2024, 3, 31)
        monkeypatch.setenv("DASAN_LOCAL_TIMEZONE", "Mars/Olympus")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
            local_today()
    finally:
        monkeypatch.delenv("DASAN_LOCAL_TIMEZONE")
        get_settings.cache_clear()
