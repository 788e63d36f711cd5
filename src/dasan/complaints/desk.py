"""Queries for the district desk, the supervisor page and the tracking page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.complaints.geo import placed_approximately
from dasan.db.models_complaints import ComplaintPhoto, ComplaintStatusEvent, ServiceRequest

STATUSES = ("received", "accepted", "in_progress", "resolved", "rejected")


def list_requests(session: Session, *, district: str | None, status: str | None = None,
                  since: datetime | None = None, limit: int = 200) -> list[ServiceRequest]:
    q = select(ServiceRequest)
    if district is not None:
        q = q.where(ServiceRequest.district_code == district)
    if status in STATUSES:
        q = q.where(ServiceRequest.status == status)
    elif status == "open":
        q = q.where(ServiceRequest.status.in_(STATUSES[:3]))
    if since is not None:
        q = q.where(ServiceRequest.requested_at >= since)
    return list(session.scalars(q.order_by(ServiceRequest.requested_at.desc()).limit(limit)))


@dataclass
class Tracking:
    request: ServiceRequest
    events: list[ComplaintStatusEvent]
    photos: list[ComplaintPhoto]

    @property
    def approximate(self) -> bool:
        """The district was estimated (the approximate districts); the tracking page tells the
        citizen, and that the city passes it on to the right district if need be."""
        return placed_approximately(self.request.geo_rule)


def tracking(session: Session, request: ServiceRequest) -> Tracking:
    events = list(session.scalars(select(ComplaintStatusEvent)
                                  .where(ComplaintStatusEvent.request_id == request.id)
                                  .order_by(ComplaintStatusEvent.at, ComplaintStatusEvent.id)))
    photos = list(session.scalars(select(ComplaintPhoto)
                                  .where(ComplaintPhoto.request_id == request.id)
                                  .order_by(ComplaintPhoto.id)))
    return Tracking(request, events, photos)


def photo_of(session: Session, request: ServiceRequest, photo_id: int) -> ComplaintPhoto | None:
    return session.scalar(select(ComplaintPhoto).where(ComplaintPhoto.id == photo_id,
                                                       ComplaintPhoto.request_id == request.id))
