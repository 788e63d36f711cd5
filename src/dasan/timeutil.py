"""Time at the edges: the database keeps aware UTC (`UtcDateTime`, ADR 0009); the API speaks
RFC 3339 with an offset; the analytics mirror (DuckDB) keeps naive UTC.

- Input: an aware datetime (`2026-12-01T09:00:00+09:00`) is converted to UTC; a naive one is
  taken as UTC already (documented in the OpenAPI descriptions).
- Output: `UtcDateTime` in a response model attaches the UTC offset, so every timestamp leaves
  the API as RFC 3339 with its offset (`...Z`).

The city's local time (ADR 0018): timestamps are stored in UTC, but every day, hour, week,
weekday and month the product counts by — report groupings and date filters, QA months, the
workforce history, the floor's "today" — is a day, hour, ... of the one configured zone
(`DASAN_LOCAL_TIMEZONE`, default Asia/Seoul). The functions below are the only place that
converts: Python values through `zoneinfo`, SQL through `duckdb_local` / `postgres_local`
(engines with zones) or `sqlite_local` (SQLite has none: a fixed offset computed here from the
zone for the period asked about).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

from dasan.config import get_settings


def to_naive_utc(value: datetime | None) -> datetime | None:
    """The analytics mirror's form: naive UTC (aware values converted, naive ones taken as
    UTC)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def as_utc(value: datetime) -> datetime:
    """`value` as aware UTC (a naive value is taken as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _as_utc_optional(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
"""A response field: serialised as RFC 3339 with the UTC offset."""

StoredDateTime = Annotated[datetime, AfterValidator(as_utc)]
"""A request field: any offset accepted (naive taken as UTC), stored as aware UTC."""


def iso_z(value: datetime | None) -> str | None:
    """`value` as RFC 3339 UTC with a `Z` and whole seconds (the chat's wire form); None stays
    None. A naive value is taken as UTC."""
    if value is None:
        return None
    return as_utc(value).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# -- the city's local time (ADR 0018) ---------------------------------------------------------


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; a clear error for a name the system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Seoul)"
                         ) from None


def local_zone_name() -> str:
    """The configured zone's name (`DASAN_LOCAL_TIMEZONE`); validated when first used."""
    name = get_settings().local_timezone
    zone(name)
    return name


def local_zone() -> ZoneInfo:
    return zone(local_zone_name())


def to_local(value: datetime, tz: ZoneInfo | None = None) -> datetime:
    """`value` (aware, or naive UTC) as the city's naive wall-clock time: the form every local
    grouping counts in (its `.date()`, `.hour`, `.weekday()`, `%Y-%m`)."""
    return as_utc(value).astimezone(tz or local_zone()).replace(tzinfo=None)


def local_to_utc(value: datetime, tz: ZoneInfo | None = None) -> datetime:
    """A naive local wall-clock time (or an aware value of any offset) as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz or local_zone())
    return value.astimezone(UTC)


def local_midnight(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The instant (aware UTC) the local `day` starts."""
    return local_to_utc(datetime.combine(day, time()), tz)


def local_days(first: date, last: date, tz: ZoneInfo | None = None
               ) -> tuple[datetime, datetime]:
    """The instants (aware UTC) of local days `first` .. `last` inclusive: [start, end)."""
    return local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)


def local_month(month: str | date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The instants (aware UTC) of a local month (`2024-04` or any day of it): [start, end)."""
    first = month if isinstance(month, date) else datetime.strptime(month, "%Y-%m").date()
    first = first.replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return local_midnight(first, tz), local_midnight(nxt, tz)


def local_today(now: datetime | None = None) -> date:
    """Today in the city (`now` aware or naive UTC; default the clock)."""
    return to_local(now or datetime.now(UTC)).date()


def utc_offset_minutes(at: datetime | None = None, tz: ZoneInfo | None = None) -> int:
    """The zone's UTC offset in whole minutes at instant `at` (aware or naive UTC; default
    now). For engines without zones (SQLite): Asia/Seoul is +540 all year; a zone with daylight
    saving has two offsets, so a caller that spans a change must split its period there."""
    at = as_utc(at or datetime.now(UTC))
    off = at.astimezone(tz or local_zone()).utcoffset()
    assert off is not None
    return int(off.total_seconds() // 60)


def duckdb_local(column: str) -> str:
    """DuckDB SQL: a naive-UTC `TIMESTAMP` column as naive local wall-clock time (ICU, built
    into DuckDB)."""
    return f"timezone('{local_zone_name()}', timezone('UTC', {column}))"


def postgres_local(column: str) -> str:
    """PostgreSQL SQL: a `timestamptz` column as naive local wall-clock time."""
    return f"timezone('{local_zone_name()}', {column})"


def sqlite_local(column: str, at: datetime | None = None) -> str:
    """SQLite SQL: a naive-UTC text column as naive local wall-clock text. SQLite has no zones,
    so the offset is the zone's at `at` (the period asked about; see `utc_offset_minutes`)."""
    return f"datetime({column}, '{utc_offset_minutes(at):+d} minutes')"


def sql_local_month(column: Any, dialect: str, at: datetime | None = None) -> Any:
    """SQLAlchemy: `YYYY-MM` of a stored UTC column in the city's zone, on the operational
    database (`dialect` "postgresql" or "sqlite"; SQLite takes the zone's offset at `at`)."""
    from sqlalchemy import func

    if dialect == "postgresql":
        return func.to_char(func.timezone(local_zone_name(), column), "YYYY-MM")
    return func.strftime("%Y-%m", column, f"{utc_offset_minutes(at):+d} minutes")
