"""Time at the edges: the database keeps aware UTC (`UtcDateTime`, ADR 0009); the API speaks
RFC 3339 with an offset; the analytics mirror (DuckDB) keeps naive UTC.

- Input: an aware datetime (`2026-12-01T09:00:00+09:00`) is converted to UTC; a naive one is
  taken as UTC already (documented in the OpenAPI descriptions).
- Output: `UtcDateTime` in a response model attaches the UTC offset, so every timestamp leaves
  the API as RFC 3339 with its offset (`...Z`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


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
