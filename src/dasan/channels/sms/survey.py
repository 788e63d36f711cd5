"""The satisfaction survey by SMS (issue 17).

When an SMS thread that an agent answered is closed, the citizen is asked once for a 1-5 reply.
A lone digit 1-5 from that number within :data:`SURVEY_WINDOW` is the answer: it is kept on the
thread's transcript, joins the consultation through `dasan.quality.surveys` (so QA sampling, the
scorecards and the KPI use it) and is thanked. Anything else - or a digit after the window, or
a second answer - is an ordinary message that opens or joins a thread as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import outbound
from dasan.channels.catalog import message
from dasan.channels.threads import add_message
from dasan.db.bulk import among
from dasan.db.models import Message
from dasan.db.models_channels import WrittenThread
from dasan.quality import surveys

SURVEY_WINDOW = timedelta(hours=24)
SCORES = frozenset({"1", "2", "3", "4", "5"})


def ask(session: Session, thread: WrittenThread) -> bool:
    """Send the survey question for a thread being closed, if an agent answered it (a bot-only
    or unanswered contact is not surveyed: the survey rates the agent's consultation). An
    opted-out number is not messaged (the outbox blocks it). True when the question was sent."""
    if thread.channel != "sms" or thread.first_agent_reply_at is None:
        return False
    outbound.send(session, thread, message("survey", thread.language), sender="system",
                  language=thread.language, flags={"notice": "survey"})
    return True


def _asked(session: Session, thread: WrittenThread) -> bool:
    flags = session.scalars(
        select(Message.flags).where(Message.consultation_id == thread.consultation_id,
                                    Message.sender == "system")
        .order_by(Message.seq.desc()).limit(5))
    return any((f or {}).get("notice") == "survey" for f in flags)


def pending(session: Session, contact_key: str, now: datetime) -> WrittenThread | None:
    """The contact's newest closed SMS thread whose survey was asked within the window and not
    answered yet."""
    thread = session.scalar(
        select(WrittenThread)
        .where(WrittenThread.channel == "sms", WrittenThread.contact_key == contact_key,
               WrittenThread.status == "closed", WrittenThread.first_agent_reply_at.is_not(None),
               WrittenThread.updated_at >= now - SURVEY_WINDOW)
        .order_by(WrittenThread.id.desc()).limit(1))
    if thread is None or not _asked(session, thread) \
            or surveys.answered(session, thread.consultation_id):
        return None
    return thread


def pending_among(session: Session, contacts: Sequence[tuple[str, datetime]]) -> set[str]:
    """The contact keys of `contacts` ((key, the message's time)) with a `pending` survey.
    One query for all of them: a contact with no thread `pending` could return (closed,
    answered by an agent, updated within the window) has none; the few others are checked
    by `pending` itself."""
    if not contacts:
        return set()
    earliest = min(now for _, now in contacts)
    maybe = set(session.scalars(select(WrittenThread.contact_key).where(
        WrittenThread.channel == "sms",
        among(session, WrittenThread.contact_key, {k for k, _ in contacts}),
        WrittenThread.status == "closed", WrittenThread.first_agent_reply_at.is_not(None),
        WrittenThread.updated_at >= earliest - SURVEY_WINDOW)))
    return {key for key, now in contacts
            if key in maybe and pending(session, key, now) is not None}


def take_answer(session: Session, *, contact_key: str, text: str, external_id: str,
                now: datetime) -> WrittenThread | None:
    """Record `text` as the survey answer when it is one (returns the thread), else None and
    nothing changes."""
    digit = text.strip()
    if digit not in SCORES or not contact_key:
        return None
    thread = pending(session, contact_key, now)
    if thread is None:
        return None
    add_message(session, thread, sender="citizen", body=digit, direction="in",
                language=thread.language, external_id=external_id, flags={"survey": True},
                now=now)
    surveys.answer(session, thread.consultation_id, "sms", digit)
    outbound.send(session, thread, message("survey_thanks", thread.language), sender="system",
                  language=thread.language, flags={"notice": "survey_thanks"})
    return thread
