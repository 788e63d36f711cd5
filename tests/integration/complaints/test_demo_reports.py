"""The demo's field reports: every agency on the district desk (`desk:`), reports through the
real intake path, delivered by the dispatcher without a webhook, and districts' actions."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.complaints import dispatch
from dasan.complaints.demo_reports import seed_demo_reports, use_district_desk
from dasan.db.models import Agency
from dasan.db.models_complaints import DispatchEndpoint, DispatchOutbox, ServiceRequest
from dasan.errors import DomainError


def test_demo_reports_reach_the_district_desk(db: Session, shared_data: Path) -> None:
    agencies = db.scalar(select(func.count(Agency.id)).where(
        Agency.kind.in_(("district", "city_department"))))
    assert use_district_desk(db) == agencies
    assert use_district_desk(db) == 0  # idempotent
    written = seed_demo_reports(db, n=40, days=10)
    db.commit()
    assert 30 <= written <= 40
    assert seed_demo_reports(db, n=40) == 0  # never twice
    statuses = dict(db.execute(select(ServiceRequest.status, func.count())
                               .group_by(ServiceRequest.status)).all())
    assert statuses.get("resolved", 0) > 0 and sum(statuses.values()) == written
    with httpx.Client() as client:
        while dispatch.drain(db, client, limit=100).delivered:
            pass
    states = dict(db.execute(select(DispatchOutbox.state, func.count())
                             .group_by(DispatchOutbox.state)).all())
    assert set(states) == {"delivered"}  # nothing dead-lettered for want of a webhook


def test_an_endpoint_is_a_webhook_with_a_secret_or_the_desk(db: Session) -> None:
    with pytest.raises(DomainError):
        dispatch.set_endpoint(db, "gu-11545", "ftp://example.org/x", "s3cret")
    with pytest.raises(DomainError):
        dispatch.set_endpoint(db, "gu-11545", "https://gu.example.org/hook", "")
    assert db.scalar(select(func.count(DispatchEndpoint.id))) == 0
    assert dispatch.set_endpoint(db, "gu-11545", dispatch.DESK, "").url == "desk:"
