"""Field reports for the demo: every agency works on Dasan's district desk, and a fortnight of
reports across Seoul's dong goes through the real intake path (routing, duplicates, the
dispatch outbox) and the districts' actions, so the complaint pages have something to show.
Generated with a fixed seed; the descriptions are the project's own sample sentences."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.complaints import catalogue, dispatch, intake, status
from dasan.complaints.geo import geo_index
from dasan.db.base import utcnow
from dasan.db.models import Agency
from dasan.db.models_complaints import (
    ComplaintServiceAttribute,
    DispatchEndpoint,
    ServiceRequest,
)
from dasan.errors import DomainError

SAMPLE_NOTES = ("바로 앞이라 통행에 불편이 큽니다.", "며칠째 그대로입니다.",
                "밤에 특히 위험해 보여요.", "아이들이 자주 지나가는 길입니다.", "")


def use_district_desk(session: Session) -> int:
    """Every district and city department receives its reports on the district desk (`desk:`);
    an agency with a webhook of its own keeps it. Returns how many were set."""
    have = set(session.scalars(select(DispatchEndpoint.agency_code)))
    n = 0
    for code in session.scalars(select(Agency.code).where(
            Agency.kind.in_(("district", "city_department")))):
        if code not in have:
            dispatch.set_endpoint(session, code, dispatch.DESK, "")
            n += 1
    return n


def _answer(attr: ComplaintServiceAttribute, rng: random.Random, now: datetime) -> Any:
    keys = [v["key"] for v in attr.values]
    if attr.datatype == "number":
        return str(rng.randint(1, 5))
    if attr.datatype == "datetime":
        return now.isoformat()
    if attr.datatype == "singlevaluelist" and keys:
        return rng.choice(keys)
    if attr.datatype == "multivaluelist" and keys:
        return [rng.choice(keys)]
    return "12가3456" if "plate" in attr.code else "데모"


def seed_demo_reports(session: Session, *, n: int = 240, days: int = 14, seed: int = 120,
                      now: datetime | None = None) -> int:
    """`n` reports over the last `days` days (none when reports exist). The older a report,
    the likelier its district has acted on it. Returns how many were written."""
    if session.scalar(select(func.count(ServiceRequest.id))):
        return 0
    rng = random.Random(seed)
    now = now or utcnow()
    services = catalogue.active_services(session)
    places = geo_index().centroids()
    written = 0
    times = sorted(now - timedelta(minutes=rng.randint(10, days * 24 * 60)) for _ in range(n))
    for at in times:
        service = rng.choice(services)
        _, lat, lon = rng.choice(places)
        lat, lon = lat + rng.uniform(-0.001, 0.001), lon + rng.uniform(-0.001, 0.001)
        answers = {a.code: _answer(a, rng, at)
                   for a in catalogue.attributes_of(session, service) if a.required}
        report = intake.ReportIn(service_code=service.code, lat=lat, lon=lon,
                                 description=f"{service.name_ko} 신고합니다. "
                                             f"{rng.choice(SAMPLE_NOTES)}".strip(),
                                 attributes=answers)
        try:
            request = intake.create_report(session, report, now=at)
        except DomainError:
            continue  # a centroid outside the service's area: skip it, as a citizen would retry
        session.flush()
        written += 1
        age_days = (now - at).total_seconds() / 86400
        steps = ["accept", "in_progress", "resolve"] if age_days > 3 else \
            ["accept", "in_progress"][:rng.randint(0, 2)]
        if age_days > 3 and rng.random() < 0.1:
            steps = ["reject"]
        when = at
        for action in steps:
            if request.duplicate_of_id is not None:
                break
            when = min(now, when + timedelta(hours=rng.uniform(0.5, 30)))
            status.apply_update(session, request, action, note=(
                "현장 조치를 마쳤습니다." if action == "resolve" else
                "관할이 아닌 사유지입니다." if action == "reject" else None),
                source="district", actor="demo", now=when)
    return written
