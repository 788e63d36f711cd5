"""Timestamps are stored as UTC and read back timezone-aware on SQLite and PostgreSQL alike,
whatever offset they carry (ADR 0009)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.orm import Session

from dasan.db.models import Consultation

KST = timezone(timedelta(hours=9))


def test_aware_timestamps_are_stored_and_compared_as_utc(db: Session) -> None:
    seoul_evening = datetime(2024, 3, 6, 20, 0, tzinfo=KST)  # 11:00 UTC
    c = Consultation(channel="web", started_at=seoul_evening,
                     ended_at=datetime(2024, 3, 6, 11, 30))  # naive: UTC already
    db.add(c)
    db.commit()
    db.execute(insert(Consultation).values(channel="phone",
                                           started_at=datetime(2024, 3, 6, 12, 0, tzinfo=UTC)))
    db.commit()
    db.expire_all()
    stored = db.get(Consultation, c.id)
    assert stored is not None
    assert stored.started_at == datetime(2024, 3, 6, 11, 0, tzinfo=UTC)
    assert stored.started_at.utcoffset() == timedelta(0)
    assert stored.ended_at == datetime(2024, 3, 6, 11, 30, tzinfo=UTC)
    assert stored.ended_at.tzinfo is not None
    # A filter with an offset means the same instant as its UTC form.
    window = (Consultation.started_at >= datetime(2024, 3, 6, 19, 30, tzinfo=KST),
              Consultation.started_at < datetime(2024, 3, 6, 21, 30, tzinfo=KST))
    assert db.scalar(select(func.count()).select_from(Consultation).where(*window)) == 2


def test_values_in_memory_are_aware_before_they_are_read_back(db: Session) -> None:
    c = Consultation(channel="web", started_at=datetime(2024, 3, 6, 11, 0))
    assert c.started_at == datetime(2024, 3, 6, 11, 0, tzinfo=UTC)
    c.queued_at = datetime(2024, 3, 6, 20, 5, tzinfo=KST)
    assert c.queued_at.tzinfo is UTC and c.queued_at.hour == 11
    assert (c.queued_at - c.started_at) == timedelta(minutes=5)


def test_postgres_columns_are_timestamptz_and_any_session_zone_reads_utc(
        db: Session, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        return
    started = next(c for c in inspect(db.get_bind()).get_columns("consultations")
                   if c["name"] == "started_at")
    assert started["type"].timezone is True
    naive = db.scalar(text(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND data_type = 'timestamp without time zone'"))
    assert naive == 0
    db.add(Consultation(channel="web", started_at=datetime(2024, 3, 6, 20, 0, tzinfo=KST)))
    db.commit()
    db.execute(text("SET LOCAL TIME ZONE 'Asia/Seoul'"))
    got = db.scalar(select(Consultation.started_at))
    assert got == datetime(2024, 3, 6, 11, 0, tzinfo=UTC) and got.tzinfo is UTC
    db.rollback()
