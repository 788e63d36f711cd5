"""Call transcripts: per leg, timed, PII-masked before they are stored or shown.

Raw text is sealed in the vault (kind `call_transcripts.text`); staff read masked text, and
the raw form only through `reveal` (supervisors and admins, with a reason, audited). After a
call, `transcribe_call` transcribes both recorded legs and writes the consultation's summary
with the platform's summariser when it has none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.assist.summary import Turn, propose
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, User
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.errors import NotFound
from dasan.privacy.reveal import check_reason, limit_reveals
from dasan.privacy.vault import mask_and_seal_later, open_many, seal
from dasan.stt.port import Segment, SttPort, SttUnavailable
from dasan.voice.media import audio

log = logging.getLogger(__name__)

SEALED_KIND = "call_transcripts.text"
LEGS = ("caller", "agent")
SPEAKER = {"caller": "citizen", "agent": "agent", "interpreter": "agent"}
MAX_SEARCH = 50


def store_segments(session: Session, call: VoiceCall, leg: str, segments: Iterable[Segment],
                   *, source: str, engine: str, offset_ms: int = 0
                   ) -> list[CallTranscriptSegment]:
    """Masked rows for `segments` (raw text sealed when masking changed it); not committed."""
    seq = session.scalar(select(func.max(CallTranscriptSegment.seq)).where(
        CallTranscriptSegment.call_id == call.id, CallTranscriptSegment.leg == leg)) or 0
    rows = []
    for seg in segments:
        masked, raw = mask_and_seal_later(seg.text)
        seq += 1
        row = CallTranscriptSegment(
            call_id=call.id, consultation_id=call.consultation_id, leg=leg, seq=seq,
            start_ms=offset_ms + seg.start_ms, end_ms=offset_ms + seg.end_ms, text=masked,
            language=seg.language, source=source, engine=engine, created_at=utcnow())
        session.add(row)
        session.flush()
        if raw is not None:
            seal(session, SEALED_KIND, row.id, raw)
        rows.append(row)
    return rows


def transcribe_call(session: Session, call_id: int, stt: SttPort) -> int:
    """Transcribe both recorded legs of an ended call (again: the previous post-call rows are
    replaced); returns the number of segments. Writes the summary when there is none."""
    call = session.get(VoiceCall, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found")
    session.execute(delete(CallTranscriptSegment).where(
        CallTranscriptSegment.call_id == call.id, CallTranscriptSegment.source == "post"))
    count = 0
    for leg, path in (("caller", call.recording_caller), ("agent", call.recording_agent)):
        if not path or not Path(path).is_file():
            continue
        pcm = audio.read_wav_8k(Path(path))
        count += len(store_segments(session, call, leg, stt.transcribe(pcm), source="post",
                                    engine=stt.name))
    call.transcribed_at = utcnow()
    session.flush()
    summarise(session, call)
    session.commit()
    return count


def turns(session: Session, call_id: int) -> list[Turn]:
    """Masked turns of both legs in time order (post-call rows when there are, else live)."""
    rows = list(session.scalars(select(CallTranscriptSegment).where(
        CallTranscriptSegment.call_id == call_id).order_by(CallTranscriptSegment.start_ms,
                                                           CallTranscriptSegment.id)))
    if any(r.source == "post" for r in rows):
        rows = [r for r in rows if r.source == "post"]
    return [Turn(SPEAKER.get(r.leg, "agent"), r.text) for r in rows]


def summarise(session: Session, call: VoiceCall) -> str | None:
    c = session.get(Consultation, call.consultation_id) if call.consultation_id else None
    if c is None or c.summary:
        return None
    said = turns(session, call.id)
    if not any(t.body.strip() for t in said):
        return None
    c.summary = propose(said).text or None
    return c.summary


@dataclass
class Line:
    id: int
    leg: str
    seq: int
    start_ms: int
    end_ms: int
    text: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _call_of(session: Session, consultation_id: int) -> VoiceCall:
    call = session.scalar(select(VoiceCall).where(VoiceCall.consultation_id == consultation_id))
    if call is None:
        raise NotFound(f"no call for consultation {consultation_id}")
    return call


def _agent_user(session: Session, call: VoiceCall) -> int | None:
    if call.agent_id is None:
        return None
    return session.scalar(select(Agent.user_id).where(Agent.id == call.agent_id))


def transcript(session: Session, user: User, consultation_id: int) -> dict[str, Any]:
    """The masked transcript of a call, for the allowed roles."""
    call = _call_of(session, consultation_id)
    access.access_call_transcript(session, user, _agent_user(session, call))
    rows = session.scalars(select(CallTranscriptSegment).where(
        CallTranscriptSegment.call_id == call.id).order_by(CallTranscriptSegment.start_ms,
                                                           CallTranscriptSegment.id))
    c = session.get(Consultation, consultation_id)
    return {"consultation_id": consultation_id, "summary": c.summary if c else None,
            "lines": [Line(r.id, r.leg, r.seq, r.start_ms, r.end_ms, r.text, r.source).to_dict()
                      for r in rows]}


def search(session: Session, user: User, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Transcript lines whose masked text contains `query` (searchers only)."""
    access.access_role(session, user, access.TRANSCRIPT_SEARCHERS)
    q = query.strip()
    if not q:
        return []
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.scalars(select(CallTranscriptSegment).where(
        CallTranscriptSegment.text.like(like, escape="\\")).order_by(
        CallTranscriptSegment.id.desc()).limit(min(limit, MAX_SEARCH)))
    return [{"consultation_id": r.consultation_id, "leg": r.leg, "start_ms": r.start_ms,
             "text": r.text} for r in rows]


def reveal(session: Session, user: User, consultation_id: int, reason: str | None, *,
           ip: str | None = None) -> dict[str, Any]:
    """The raw transcript: supervisors and admins, with a reason; audited."""
    why = check_reason(reason)
    access.access_pii_reveal(session, user, object_type="call_transcript",
                             object_id=consultation_id, reason=why, ip=ip)
    call = _call_of(session, consultation_id)
    limit_reveals(session, user, object_type="call_transcript", object_id=consultation_id,
                  reason=why, ip=ip)
    rows = list(session.scalars(select(CallTranscriptSegment).where(
        CallTranscriptSegment.call_id == call.id).order_by(CallTranscriptSegment.start_ms)))
    raw = open_many(session, SEALED_KIND, [r.id for r in rows])
    audit.record(session, user, "pii.reveal", object_type="call_transcript",
                 object_id=consultation_id, detail={"reason": why, "lines": len(rows)}, ip=ip)
    session.commit()
    return {"consultation_id": consultation_id,
            "lines": [{"leg": r.leg, "start_ms": r.start_ms, "text": raw.get(r.id, r.text),
                       "had_pii": r.id in raw} for r in rows]}


def pending_calls(session: Session, limit: int = 20) -> list[int]:
    """Ended calls with a recording not transcribed after the call yet, oldest first (a call
    whose recordings held no speech is marked all the same, so it is not tried again)."""
    done = select(CallTranscriptSegment.call_id).where(CallTranscriptSegment.source == "post")
    return list(session.scalars(select(VoiceCall.id).where(
        VoiceCall.ended_at.is_not(None), VoiceCall.recording_caller.is_not(None),
        VoiceCall.transcribed_at.is_(None), VoiceCall.id.not_in(done))
        .order_by(VoiceCall.id).limit(limit)))


def transcribe_pending(session: Session, stt: SttPort, limit: int = 5) -> int:
    """Post-call transcription of up to `limit` ended calls (the scheduler's job); a call that
    fails is marked and logged, so one bad recording does not block the others."""
    done = 0
    for call_id in pending_calls(session, limit):
        try:
            transcribe_call(session, call_id, stt)
        except SttUnavailable:
            raise
        except Exception:
            session.rollback()
            log.exception("post-call transcription of call %s failed", call_id)
            call = session.get(VoiceCall, call_id)
            if call is not None:
                call.transcribed_at = utcnow()
                session.commit()
        done += 1
    return done
