"""Declarative base shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapper
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every `UtcDateTime` column returns)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def as_aware_utc(value: datetime) -> datetime:
    """`value` as an aware UTC datetime: an aware value is converted, a naive one is taken as
    UTC (the only naive values left are literals written as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC and returned as an aware UTC datetime on every
    backend (ADR 0009).

    - PostgreSQL: a `timestamptz` column; values are bound aware (UTC) and read back converted
      to UTC whatever the session's `TimeZone`.
    - SQLite (no timestamp type): the text form of the naive UTC value, as before; read back
      with `tzinfo=UTC` attached.

    An aware value of any offset (e.g. +09:00 from a Korean client) is converted to UTC before it
    is stored or compared; a naive value is taken as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(DateTime())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, datetime):
            return value
        value = as_aware_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, datetime):
            return as_aware_utc(value)
        return value


def store_utc(metadata: MetaData) -> None:
    """Give any plain `DateTime` column left (models declare `UtcDateTime`) the same behaviour
    (idempotent; called when an engine is made, after every model module is imported)."""
    for table in metadata.tables.values():
        for column in table.columns:
            if type(column.type) is DateTime:
                column.type = UtcDateTime()


def _aware_on_set(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return as_aware_utc(value) if isinstance(value, datetime) else value


@event.listens_for(Base, "mapper_configured", propagate=True)
def _aware_attributes(mapper: Mapper[Any], class_: type) -> None:
    """A value assigned to a `UtcDateTime` attribute is made aware at once (naive taken as UTC),
    so the object in memory never holds a naive timestamp that a later `utcnow() - value` would
    refuse before the row is read back."""
    for prop in mapper.column_attrs:
        if any(isinstance(col.type, UtcDateTime) for col in prop.columns):
            event.listen(getattr(class_, prop.key), "set", _aware_on_set, retval=True)
