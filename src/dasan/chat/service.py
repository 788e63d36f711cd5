"""Chat persistence: consultations opened from the web chat, their messages and tokens.

Every message is written with the next `seq` of its consultation before anyone is told about
it; a resend with the same `client_msg_id` returns the stored message instead of a second copy.
Sequence numbers are allocated under a write lock on the consultation row (a row lock on
PostgreSQL, the database write lock on SQLite), with a retry on the unique constraint as the
safety net.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from dasan.config import signing_key
from dasan.consultations.channels import CHAT_ROOM_CHANNELS
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Message, Queue
from dasan.errors import DomainError
from dasan.privacy import vault
from dasan.protection.screening import mask_pii
from dasan.timeutil import iso_z

SENDERS = ("citizen", "agent", "bot", "system")
MAX_BODY_CHARS = 2000
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
LANGUAGES = ("ko", "en", "ja", "zh", "vi", "mn")
_TOKEN_SALT = "dasan-chat-token"
# A citizen token works while its chat is open and for a short grace after it ends (the
# closing notice, feedback); never longer than a day in any case.
TOKEN_MAX_AGE = timedelta(hours=24)
TOKEN_GRACE_AFTER_CLOSE = timedelta(minutes=30)


_CODES = {400: "chat_invalid", 401: "chat_token_invalid", 403: "chat_forbidden",
          404: "chat_not_found", 409: "chat_conflict", 503: "chat_unavailable"}


class ChatError(DomainError):
    """A request the chat cannot honour (closed consultation, bad message ...)."""

    def __init__(self, message: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message, status=status, code=code or _CODES.get(status, "chat_invalid"))


# --- citizen tokens ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key(), salt=_TOKEN_SALT)


def issue_token(consultation_id: int) -> str:
    """The anonymous citizen's token for one consultation (signed and timed, nothing stored).
    It travels in the `X-Chat-Token` header or the socket's first frame, never in a URL."""
    import secrets

    return str(_serializer().dumps({"c": consultation_id, "n": secrets.token_hex(4)}))


def consultation_for_token(token: str) -> int:
    """The consultation id a token was issued for; ChatError(401) when forged, malformed or
    older than `TOKEN_MAX_AGE`."""
    try:
        data = _serializer().loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except SignatureExpired as exc:
        raise ChatError("this chat token has expired", 401, "chat_token_expired") from exc
    except BadSignature as exc:
        raise ChatError("invalid chat token", 401) from exc
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise ChatError("invalid chat token", 401)
    return int(data["c"])


def authorize_citizen(session: Session, token: str | None, cid: int,
                      now: datetime | None = None) -> None:
    """The citizen may act on chat `cid`: the token is bound to it and the chat has not ended
    more than `TOKEN_GRACE_AFTER_CLOSE` ago (the token expires with its chat)."""
    if not token:
        raise ChatError("chat token required (X-Chat-Token header or the socket's auth frame)",
                        401)
    if consultation_for_token(token) != cid:
        raise ChatError("this token belongs to another chat", 403)
    c = session.get(Consultation, cid)
    if c is None:
        raise ChatError("no such chat", 404)
    ended = c.ended_at
    if c.status == "closed" and ended is not None \
            and (now or utcnow()) - ended > TOKEN_GRACE_AFTER_CLOSE:
        raise ChatError("this chat has ended and its token has expired", 401,
                            "chat_token_expired")


# --- consultations ----------------------------------------------------------------------------


def phase(c: Consultation | ChatRow) -> str:
    """bot | waiting | live | pending | closed."""
    if c.status == "closed":
        return "closed"
    if c.status == "pending":  # on hold (보류): `chat.snooze`
        return "pending"
    if c.agent_id is not None:
        return "live"
    if c.queue_id is not None:
        return "waiting"
    return "bot"


def start_chat(
    session: Session, language: str = "ko", citizen_id: int | None = None
) -> Consultation:
    """Open a chat consultation (the chatbot answers first)."""
    if language not in LANGUAGES:
        raise ChatError(f"unsupported language {language!r}; use one of {', '.join(LANGUAGES)}")
    now = utcnow()
    c = Consultation(channel="chatbot", started_at=now, status="open", outcome="open",
                     language=language, citizen_id=citizen_id)
    session.add(c)
    session.flush()
    return c


def get_consultation(session: Session, consultation_id: int) -> Consultation:
    c = session.get(Consultation, consultation_id)
    if c is None or c.channel not in CHAT_ROOM_CHANNELS:
        raise ChatError(f"chat {consultation_id} not found", 404)
    return c


# --- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    message: Message
    created: bool  # False when the client_msg_id had been seen before


def validate_message(sender: str, body: str, client_msg_id: str | None) -> str:
    """The body as it will be stored (stripped), or ChatError (400) for a message refused."""
    if sender not in SENDERS:
        raise ChatError(f"unknown sender {sender!r}")
    if not isinstance(body, str):
        raise ChatError("message body must be text")
    body = body.strip()
    if not body:
        raise ChatError("message is empty")
    if len(body) > MAX_BODY_CHARS:
        raise ChatError(f"message is too long ({len(body)} > {MAX_BODY_CHARS} characters)")
    if client_msg_id is not None and not CLIENT_ID_RE.match(client_msg_id):
        raise ChatError("client_msg_id must be 1-64 characters of letters, digits, _ . : -")
    return body


def _by_client_id(session: Session, consultation_id: int, client_msg_id: str) -> Message | None:
    return session.scalar(
        select(Message).where(Message.consultation_id == consultation_id,
                              Message.client_msg_id == client_msg_id)
    )


_MESSAGES = cast(Table, Message.__table__)
_CONSULTATIONS = cast(Table, Consultation.__table__)
# The chat's row lock (a no-op update), then its last seq: read after the lock, in a statement
# of its own (PostgreSQL's snapshot for a subquery would be older than the lock).
_LOCK_FOR_MESSAGE = (
    update(_CONSULTATIONS).where(_CONSULTATIONS.c.id == bindparam("cid"))
    .values(status=_CONSULTATIONS.c.status).returning(_CONSULTATIONS.c.status))
_LOCK_AND_READ = (
    update(_CONSULTATIONS).where(_CONSULTATIONS.c.id == bindparam("cid"))
    .values(status=_CONSULTATIONS.c.status)
    .returning(_CONSULTATIONS.c.status, _CONSULTATIONS.c.channel, _CONSULTATIONS.c.subject,
               _CONSULTATIONS.c.started_at, _CONSULTATIONS.c.agent_id,
               _CONSULTATIONS.c.queue_id))
_SET_SUBJECT = (update(_CONSULTATIONS).where(_CONSULTATIONS.c.id == bindparam("cid"))
                .values(subject=bindparam("subject")))
_LAST_SEQ = select(func.max(_MESSAGES.c.seq)).where(_MESSAGES.c.consultation_id == bindparam("cid"))
_INSERT_MESSAGE = insert(_MESSAGES).returning(_MESSAGES.c.id)


@dataclass(frozen=True)
class ChatRow:
    """What a message's path needs of its chat, read under the chat's row lock."""

    id: int
    status: str
    channel: str
    subject: str | None
    started_at: datetime
    agent_id: int | None
    queue_id: int | None


def lock_chat(session: Session, consultation_id: int) -> ChatRow:
    """Take the chat's row lock (it serialises seq allocation; the caller's commit or rollback
    releases it) and read the chat in the same statement: 404 for no such chat."""
    row = session.connection().execute(_LOCK_AND_READ, {"cid": consultation_id}).first()
    if row is None or row.channel not in CHAT_ROOM_CHANNELS:
        session.rollback()
        raise ChatError(f"chat {consultation_id} not found", 404)
    return ChatRow(consultation_id, row.status, row.channel, row.subject, row.started_at,
                   row.agent_id, row.queue_id)


def set_subject(session: Session, consultation_id: int, subject: str) -> None:
    """The chat's subject (masked text), in the caller's transaction."""
    session.connection().execute(_SET_SUBJECT, {"cid": consultation_id, "subject": subject[:256]})


def append_message(
    session: Session,
    consultation_id: int,
    sender: str,
    body: str,
    *,
    client_msg_id: str | None = None,
    agent_id: int | None = None,
    flags: dict[str, Any] | None = None,
    allow_closed: bool = False,
    locked: ChatRow | None = None,
    masked: str | None = None,
) -> Stored:
    """Persist one message with the next seq and COMMIT; idempotent by `client_msg_id`.

    The stored body is the masked text; when masking changed it, the raw text is sealed in the
    vault (ADR 0005). Anything else pending in `session` is committed with it. `locked`: the
    caller holds the chat's row lock already (:func:`lock_chat`, same transaction); `masked`:
    the caller masked the (validated) body already.
    """
    body = validate_message(sender, body, client_msg_id)
    if masked is None:
        masked = mask_pii(body)
    # A resend is rare: the first try lets the unique key (consultation, client_msg_id) find
    # it, and only a try after a refusal looks the id up. A message is stored with statements
    # built once (Core, parameters apart: no per-call statement building, no unit
    # of work): the chat's throughput on one process.
    look_up = False
    for _attempt in range(5):
        if client_msg_id is not None and look_up:
            existing = _by_client_id(session, consultation_id, client_msg_id)
            if existing is not None:
                return Stored(existing, False)
        # The statements go to the session's connection (no ORM layer per statement); what
        # the session holds unsaved is written first, in the same transaction.
        session.flush()
        conn = session.connection()
        # Take the write lock on the consultation row first: it serialises seq allocation.
        # A caller's lock holds until a refusal's rollback; a retry takes it again.
        status = locked.status if locked is not None else None
        if status is None:
            row = conn.execute(_LOCK_FOR_MESSAGE, {"cid": consultation_id}).first()
            if row is None:
                session.rollback()
                raise ChatError(f"chat {consultation_id} not found", 404)
            status = row[0]
        if status == "closed" and not allow_closed:
            session.rollback()
            raise ChatError("this chat has ended", 409)
        values: dict[str, Any] = {
            "consultation_id": consultation_id,
            "seq": (conn.scalar(_LAST_SEQ, {"cid": consultation_id}) or 0) + 1, "sender": sender,
            "sender_agent_id": agent_id, "body": masked, "body_masked": masked,
            "client_msg_id": client_msg_id, "flags": flags or {}, "created_at": utcnow()}
        try:
            msg_id = conn.execute(_INSERT_MESSAGE, values).scalar_one()
            if masked != body:
                vault.seal(session, vault.MESSAGE_BODY, msg_id, body)
            session.commit()
        except IntegrityError:
            session.rollback()
            look_up, locked = True, None
            continue
        msg = Message(id=msg_id, **values)
        make_transient_to_detached(msg)
        session.add(msg)  # persistent, as if loaded: later changes to it are saved
        return Stored(msg, True)
    raise ChatError("could not store the message; please resend", 503)


def messages_after(session: Session, consultation_id: int, after_seq: int = 0,
                   limit: int = 1000) -> list[Message]:
    if after_seq < 0:
        raise ChatError("after_seq must be >= 0")
    return list(session.scalars(
        select(Message).where(Message.consultation_id == consultation_id,
                              Message.seq > after_seq)
        .order_by(Message.seq).limit(limit)
    ))


def message_event(m: Message, masked: bool = False) -> dict[str, Any]:
    """The wire form of a message (pub/sub and WebSocket)."""
    return {
        "type": "message",
        "consultation_id": m.consultation_id,
        "seq": m.seq,
        "sender": m.sender,
        "agent_id": m.sender_agent_id,
        "body": m.body_masked if masked else m.body,
        "client_msg_id": m.client_msg_id,
        "flags": m.flags or {},
        "at": iso_z(m.created_at),
    }


def consultation_view(session: Session, c: Consultation) -> dict[str, Any]:
    """What the agent desktop shows about a chat."""
    queue = session.get(Queue, c.queue_id) if c.queue_id else None
    agent = session.get(Agent, c.agent_id) if c.agent_id else None
    return {
        "id": c.id,
        "phase": phase(c),
        "channel": c.channel,
        "status": c.status,
        "outcome": c.outcome,
        "language": c.language,
        "queue": queue.code if queue else None,
        "queue_name": queue.name if queue else None,
        "agent_id": c.agent_id,
        "agent_name": agent.name if agent else None,
        "priority": c.priority,
        "crisis": c.crisis,
        "citizen_id": c.citizen_id,
        "subject": c.subject,
        "category": c.category,
        "summary": c.summary,
        "started_at": _iso(c.started_at),
        "queued_at": _iso(c.queued_at),
        "answered_at": _iso(c.answered_at),
    }


def _iso(d: datetime | None) -> str | None:
    return iso_z(d)
