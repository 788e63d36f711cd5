"""Declarative base shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC on SQLite and PostgreSQL alike. An aware value (any
    offset, e.g. +09:00 from a Korean client) is converted to UTC before it is stored or
    compared; a naive value is UTC already (`utcnow()`). Without this, SQLite kept the wall
    clock of an aware value and dropped its offset (nine hours off for KST)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value


def store_utc(metadata: MetaData) -> None:
    """Give every plain `DateTime` column the `UtcDateTime` behaviour (idempotent; called when
    an engine is made, after every model module is imported). The stored form does not change,
    so the schema and the analytics mirror stay as they are."""
    for table in metadata.tables.values():
        for column in table.columns:
            if type(column.type) is DateTime:
                column.type = UtcDateTime(timezone=column.type.timezone)
