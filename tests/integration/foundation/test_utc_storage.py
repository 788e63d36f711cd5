"""Timestamps are stored as UTC on SQLite and PostgreSQL alike, whatever offset they carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, insert, select
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
    assert stored.started_at == datetime(2024, 3, 6, 11, 0)
    assert stored.ended_at == datetime(2024, 3, 6, 11, 30)
    # A filter with an offset means the same instant as its UTC form.
    window = (Consultation.started_at >= datetime(2024, 3, 6, 19, 30, tzinfo=KST),
              Consultation.started_at < datetime(2024, 3, 6, 21, 30, tzinfo=KST))
    assert db.scalar(select(func.count()).select_from(Consultation).where(*window)) == 2
