"""Field complaints (스마트 불편신고): the Open311 catalogue, service requests, photos, status
history, the dispatch and notification outboxes, district endpoints and Open311 API clients.

Every service request is also a consultation (channel `smart_report`), so KPIs, VOC reports,
the issue alerter and the workforce forecast count it like any other contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class ComplaintService(Base):
    """One Open311 service type (e.g. 불법주정차), with its SLA hours."""

    __tablename__ = "complaint_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ko: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[str] = mapped_column(String(256), default="")
    category: Mapped[str] = mapped_column(String(64))  # consultation category (교통, 환경, ...)
    service_notice: Mapped[str | None] = mapped_column(String(512))
    sla_ack_hours: Mapped[float] = mapped_column(Float, default=24)
    sla_resolve_hours: Mapped[float] = mapped_column(Float, default=72)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ComplaintServiceAttribute(Base):
    """An Open311 attribute of a service definition (datatype, required, values)."""

    __tablename__ = "complaint_service_attributes"
    __table_args__ = (UniqueConstraint("service_id", "code", name="uq_complaint_attr_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("complaint_services.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    variable: Mapped[bool] = mapped_column(Boolean, default=True)
    # string | number | datetime | text | singlevaluelist | multivaluelist
    datatype: Mapped[str] = mapped_column(String(24))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    datatype_description: Mapped[str | None] = mapped_column(String(256))
    order: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(String(512))
    description_en: Mapped[str | None] = mapped_column(String(512))
    values: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class ComplaintRoutingRule(Base):
    """Editable owner table: which agency handles a service (optionally in one district, or
    when an attribute has a given value). The most specific matching rule wins."""

    __tablename__ = "complaint_routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), index=True)
    district_code: Mapped[str | None] = mapped_column(String(5))
    attribute_code: Mapped[str | None] = mapped_column(String(64))
    attribute_value: Mapped[str | None] = mapped_column(String(64))
    agency_code: Mapped[str] = mapped_column(String(32))  # "district" = the district office
    note: Mapped[str | None] = mapped_column(String(256))


class Open311Client(Base):
    """An Open311 API client (a partner app, a portal); only the key's hash is stored."""

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ServiceRequest(Base):
    """A citizen's field complaint (Open311 service request)."""

    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_service_requested", "service_code", "requested_at"),
        Index("ix_service_requests_district_status", "district_code", "status"),
        # intake's duplicate check: same service, nearby (migration 0026_15)
        Index("ix_service_requests_service_lat", "service_code", "lat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # tracking token (Open311)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("open311_clients.id"))
    service_code: Mapped[str] = mapped_column(String(32))
    # received | accepted | in_progress | resolved | rejected (Open311: closed = the last two)
    status: Mapped[str] = mapped_column(String(16), default="received")
    status_notes: Mapped[str | None] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")  # raw (personal data)
    description_masked: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(256))
    district_code: Mapped[str] = mapped_column(String(5))
    dong_code: Mapped[str | None] = mapped_column(String(10))
    dong_name: Mapped[str | None] = mapped_column(String(64))
    geo_rule: Mapped[str] = mapped_column(String(16), default="inside")  # inside|nearest|city
    agency_code: Mapped[str] = mapped_column(String(32))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"))
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # contact for status-back notices; shown masked everywhere, never sent to districts raw
    notify_phone: Mapped[str | None] = mapped_column(String(16))  # masked; raw in the PII vault
    notify_email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="ko")
    media_url: Mapped[str | None] = mapped_column(String(512))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ack_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ComplaintPhoto(Base):
    """A photo of a report: EXIF stripped before storage; location/time read from it first."""

    __tablename__ = "complaint_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="report")  # report | resolution
    storage_key: Mapped[str] = mapped_column(String(256))
    thumb_key: Mapped[str] = mapped_column(String(256))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ComplaintStatusEvent(Base):
    """One step of a report's history, shown to the citizen on the tracking page."""

    __tablename__ = "complaint_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # citizen | system | district_api | officer
    actor: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DispatchEndpoint(Base):
    """Where an agency (district office or city department) receives reports: an HTTP webhook,
    HMAC-signed with its own secret."""

    __tablename__ = "dispatch_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str] = mapped_column(String(512))
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    timeout_seconds: Mapped[float] = mapped_column(Float, default=5.0)


class DispatchOutbox(Base):
    """A delivery to an agency, written in the same transaction as the report."""

    __tablename__ = "dispatch_outbox"
    __table_args__ = (Index("ix_dispatch_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|delivered|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotificationOutbox(Base):
    """A notice to the citizen (SMS or e-mail) about their report, sent by the notifier port."""

    __tablename__ = "complaint_notifications"
    __table_args__ = (Index("ix_complaint_notifications_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sent|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DistrictUpdateReceipt(Base):
    """Idempotency keys of status updates a district already posted (replays are refused)."""

    __tablename__ = "district_update_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
