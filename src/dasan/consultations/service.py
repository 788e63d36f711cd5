"""The consultation record: validation, bulk ingest, scoped queries, closing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dasan.auth import mask_phone, phone_hash
from dasan.config import signing_key
from dasan.consultations.channels import LANGUAGES, OUTCOMES, resolve_channel
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.consultations.outcomes import ABANDONED_OUTCOMES
from dasan.db.bulk import add_objects, among
from dasan.db.models import Agent, Citizen, CitizenIdentity, Consultation, Queue, User
from dasan.errors import BadRequest, DomainError
from dasan.text.pii import mask
from dasan.timeutil import StoredDateTime, UtcDateTime

_DIGITS = re.compile(r"\D+")


class ConsultationIn(BaseModel):
    """One consultation as an integration (CTI, chatbot, app) reports it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: str = Field(description="channel code (phone, ...) or Korean name (전화, ...)")
    started_at: StoredDateTime
    queued_at: StoredDateTime | None = None
    answered_at: StoredDateTime | None = None
    ended_at: StoredDateTime | None = None
    queue: str | None = Field(default=None, description="queue code, e.g. transport")
    agent_id: int | None = Field(default=None, ge=1)
    category: str | None = Field(default=None, max_length=64)
    program: str | None = Field(default=None, max_length=128)
    outcome: str = "open"
    language: str = "ko"
    district_code: str | None = None
    phone: str | None = Field(default=None, description="caller number; stored hashed + masked")
    subject: str | None = Field(default=None, max_length=2000)
    external_ref: str | None = Field(default=None, max_length=64)
    priority: int = Field(default=0, ge=0, le=9)
    crisis: bool = False

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        try:
            return resolve_channel(v)
        except DomainError as exc:  # a validator reports through pydantic's ValueError
            raise ValueError(exc.message) from exc

    @field_validator("outcome")
    @classmethod
    def _outcome(cls, v: str) -> str:
        if v not in OUTCOMES:
            raise ValueError(f"unknown outcome {v!r}; expected one of {', '.join(OUTCOMES)}")
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(f"unsupported language {v!r}; expected one of {', '.join(LANGUAGES)}")
        return v

    @field_validator("district_code")
    @classmethod
    def _district(cls, v: str | None) -> str | None:
        if v is not None and v not in DISTRICT_BY_CODE:
            raise ValueError(f"unknown district code {v!r} (use the 5-digit SIG_CD, e.g. 11680)")
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is None:
            return None
        digits = _DIGITS.sub("", v)
        if not 8 <= len(digits) <= 12:
            raise ValueError("phone must have 8 to 12 digits")
        return digits

    @model_validator(mode="after")
    def _times(self) -> ConsultationIn:
        last = self.started_at
        for name in ("queued_at", "answered_at", "ended_at"):
            value = getattr(self, name)
            if value is not None:
                if value < last:
                    raise ValueError(f"{name} is earlier than the step before it")
                last = value
        if self.outcome == "answered" and self.answered_at is None and self.channel == "phone":
            raise ValueError("an answered phone consultation needs answered_at")
        if self.outcome in ABANDONED_OUTCOMES and self.agent_id is not None:
            raise ValueError("an abandoned consultation has no agent")
        return self


class ConsultationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    started_at: UtcDateTime
    queued_at: UtcDateTime | None
    answered_at: UtcDateTime | None
    ended_at: UtcDateTime | None
    queue_id: int | None
    agent_id: int | None
    category: str | None
    program: str | None
    outcome: str
    status: str
    language: str
    district_code: str | None
    subject: str | None
    summary: str | None
    priority: int
    crisis: bool
    wait_seconds: float | None
    handle_seconds: float | None


class QueueCache:
    """Queue code -> id, loaded once per ingest call."""

    def __init__(self, session: Session) -> None:
        self.ids = {code: qid for qid, code in session.execute(select(Queue.id, Queue.code))}

    def resolve(self, code: str | None) -> int | None:
        if code is None:
            return None
        if code not in self.ids:
            raise BadRequest(f"unknown queue {code!r}; known: {', '.join(sorted(self.ids))}")
        return self.ids[code]


def citizen_for_phone(session: Session, digits: str) -> Citizen:
    key = phone_hash(digits, signing_key())
    citizen = session.scalar(select(Citizen).where(Citizen.phone_hash == key))
    if citizen is None:
        citizen = Citizen(phone_hash=key, phone_masked=mask_phone(digits))
        session.add(citizen)
        session.flush()
    return citizen


def citizens_for_phones(session: Session, numbers: Iterable[str]) -> dict[str, Citizen]:
    """`citizen_for_phone` for many numbers (a batch of SMS): one look-up, the citizens not
    known yet created with one flush. By number."""
    signing = signing_key()
    keys = {digits: phone_hash(digits, signing) for digits in numbers}
    if not keys:
        return {}
    found = {c.phone_hash: c for c in session.scalars(
        select(Citizen).where(among(session, Citizen.phone_hash, set(keys.values()))))}
    new = []
    for digits, key in keys.items():
        if key not in found:
            found[key] = Citizen(phone_hash=key, phone_masked=mask_phone(digits))
            new.append(found[key])
    session.flush()
    add_objects(session, new)
    return {digits: found[key] for digits, key in keys.items()}


def citizen_for_identity(session: Session, kind: str, key: str) -> Citizen:
    """The citizen a messenger identity (`messenger`, its keyed contact key) or a citizen
    account (`account`, `user:<id>`) names; created on first contact. The malicious-caller
    registry is per citizen, so separation follows each of these identities."""
    row = session.scalar(select(CitizenIdentity).where(CitizenIdentity.kind == kind,
                                                       CitizenIdentity.key == key))
    if row is not None:
        citizen = session.get(Citizen, row.citizen_id)
        assert citizen is not None
        return citizen
    citizen = Citizen()
    session.add(citizen)
    session.flush()
    session.add(CitizenIdentity(kind=kind, key=key[:96], citizen_id=citizen.id))
    session.flush()
    return citizen


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds()


def to_row(item: ConsultationIn, queues: QueueCache, citizen_id: int | None) -> dict[str, Any]:
    closed = item.outcome != "open"
    return {
        "external_ref": item.external_ref,
        "citizen_id": citizen_id,
        "channel": item.channel,
        "started_at": item.started_at,
        "queued_at": item.queued_at,
        "answered_at": item.answered_at,
        "ended_at": item.ended_at,
        "queue_id": queues.resolve(item.queue),
        "agent_id": item.agent_id,
        "category": item.category,
        "program": item.program,
        "outcome": item.outcome,
        "status": "closed" if closed else "open",
        "language": item.language,
        "district_code": item.district_code,
        "subject": mask(item.subject).masked if item.subject else None,
        "priority": item.priority,
        "crisis": item.crisis,
        "wait_seconds": _seconds(item.queued_at or item.started_at, item.answered_at),
        "handle_seconds": _seconds(item.answered_at, item.ended_at),
    }


def ingest(
    session: Session, items: Sequence[ConsultationIn], return_ids: bool = True
) -> list[int]:
    """Write consultations; returns their ids in order (or [] with `return_ids=False`, which
    takes the driver's executemany fast path: no RETURNING, no ORM bookkeeping)."""
    if not items:
        raise BadRequest("no consultations given")
    queues = QueueCache(session)
    agent_ids = {i.agent_id for i in items if i.agent_id is not None}
    if agent_ids:
        known = set(session.scalars(select(Agent.id).where(Agent.id.in_(agent_ids))))
        missing = sorted(agent_ids - known)
        if missing:
            raise BadRequest(f"unknown agent ids: {missing[:10]}")
    rows = []
    for item in items:
        citizen_id = citizen_for_phone(session, item.phone).id if item.phone else None
        rows.append(to_row(item, queues, citizen_id))
    if not return_ids:
        session.connection().execute(insert(Consultation), rows)
        return []
    result = session.execute(insert(Consultation).returning(Consultation.id), rows)
    return [r[0] for r in result]


def scoped_query(user: User) -> Any:
    """Consultations the user may see: district officers only their own district."""
    query = select(Consultation)
    if user.role == "district_officer":
        query = query.where(Consultation.district_code == user.district_code)
    return query


def count(session: Session) -> int:
    return int(session.scalar(select(func.count(Consultation.id))) or 0)
