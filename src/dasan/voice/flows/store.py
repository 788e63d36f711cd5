"""Flow versions in the database: save a validated draft, publish it, read the live one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.base import utcnow
from dasan.db.models import Queue, User
from dasan.db.models_voice import VoiceFlow
from dasan.errors import Conflict, NotFound
from dasan.voice.flows.default import default_flow
from dasan.voice.flows.schema import Flow, validate

MAIN = "main"


def known_queues(session: Session) -> set[str]:
    return set(session.scalars(select(Queue.code)))


def check(session: Session, doc: dict[str, Any]) -> Flow:
    """Validate against the shape, the graph and this site's queues (FlowInvalid, 422)."""
    return validate(doc, known_queues(session))


def live(session: Session, name: str = MAIN) -> tuple[Flow, int]:
    """The published flow of highest version, or the shipped default (version 0)."""
    row = session.scalar(select(VoiceFlow).where(VoiceFlow.name == name,
                                                 VoiceFlow.status == "published")
                         .order_by(VoiceFlow.version.desc()).limit(1))
    if row is None:
        return validate(default_flow()), 0
    return validate(row.definition), row.version


def save_draft(session: Session, doc: dict[str, Any], user: User | None,
               note: str | None = None) -> VoiceFlow:
    flow = check(session, doc)
    version = (session.scalar(select(func.max(VoiceFlow.version))
                              .where(VoiceFlow.name == flow.name)) or 0) + 1
    row = VoiceFlow(name=flow.name, version=version, definition=doc, status="draft",
                    note=(note or "")[:256] or None, created_by=user.id if user else None)
    session.add(row)
    session.flush()
    audit.record(session, user, "voice.flow.save", object_type="voice_flow",
                 object_id=f"{flow.name}@{version}")
    return row


def publish(session: Session, name: str, version: int, user: User | None) -> VoiceFlow:
    row = session.scalar(select(VoiceFlow).where(VoiceFlow.name == name,
                                                 VoiceFlow.version == version))
    if row is None:
        raise NotFound(f"flow {name}@{version} not found")
    if row.status == "published":
        raise Conflict(f"flow {name}@{version} is already published")
    check(session, row.definition)  # queues may have changed since the draft was saved
    session.execute(update(VoiceFlow).where(VoiceFlow.name == name,
                                            VoiceFlow.status == "published")
                    .values(status="retired"))
    row.status, row.published_at = "published", utcnow()
    session.flush()
    audit.record(session, user, "voice.flow.publish", object_type="voice_flow",
                 object_id=f"{name}@{version}")
    return row


def versions(session: Session, name: str = MAIN) -> list[VoiceFlow]:
    return list(session.scalars(select(VoiceFlow).where(VoiceFlow.name == name)
                                .order_by(VoiceFlow.version.desc())))
