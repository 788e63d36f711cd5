"""The Q&A board: a citizen's question becomes a written thread with a tracking page; agents or
the department owning the topic answer; answered questions become KB candidates (masked)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.assist.recommend import search
from dasan.channels.board.files import Upload, check, store
from dasan.channels.desk import get_thread
from dasan.channels.errors import ThreadNotFound
from dasan.channels.intake import take_inbound
from dasan.channels.sla import remaining_seconds
from dasan.channels.threads import masked, transcript
from dasan.config import get_settings
from dasan.consultations.service import citizen_for_identity
from dasan.db.base import utcnow
from dasan.db.models import KbEntry, User
from dasan.db.models_channels import BoardAttachment, WrittenThread
from dasan.errors import Conflict, DomainError, Invalid

TITLE_CHARS = (2, 120)
BODY_CHARS = (5, 4000)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Submitted:
    thread_id: int
    tracking_code: str
    secret: str
    # the crisis playbook's live events (supervisor alert ...): published after the commit
    events: tuple[tuple[str, dict[str, Any]], ...] = ()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_code() -> str:
    return "Q" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(9))


# How long a question waits for the knowledge index still being built (the warm-up) before
# its department suggestion is skipped.
SUGGEST_WAIT_SECONDS = 1.0


def submit(session: Session, title: str, body: str, uploads: list[Upload],
           account: User | None = None) -> Submitted:
    """A question; from a logged-in citizen account the thread names that citizen (so a
    separated caller's questions go to the dedicated team like their calls and chats)."""
    title, body = (title or "").strip(), (body or "").strip()
    if not TITLE_CHARS[0] <= len(title) <= TITLE_CHARS[1]:
        raise Invalid(f"the title needs {TITLE_CHARS[0]} to {TITLE_CHARS[1]} characters")
    if not BODY_CHARS[0] <= len(body) <= BODY_CHARS[1]:
        raise Invalid(f"the question needs {BODY_CHARS[0]} to {BODY_CHARS[1]} characters")
    files = check(uploads)  # refuse before anything is written
    code, secret = _new_code(), secrets.token_urlsafe(18)
    text = f"{title}\n\n{body}"
    attachments = [{"name": f.filename, "content_type": f.content_type, "size": f.size,
                    "sha256": f.sha256} for f in files]
    # Suggest the department that owns the closest KB entry (agents confirm or change it).
    # Searched before anything is written, so that no write lock is held while it runs; just
    # after start-up, while the warm-up still builds the index, the suggestion is skipped
    # (the thread waits in the queue unowned, as when nothing is close enough).
    try:
        hits = search(session, text, k=1, wait=SUGGEST_WAIT_SECONDS)
    except (ValueError, DomainError):
        hits = []
    owner_id = None
    if hits:
        entry = session.get(KbEntry, hits[0].entry_id)
        if entry is not None and hits[0].confidence >= 0.45:
            owner_id = entry.owner_agency_id
    citizen_id = None
    if account is not None and account.role == "citizen":
        citizen_id = citizen_for_identity(session, "account", f"user:{account.id}").id
    taken = take_inbound(session, channel="web", provider="board",
                         contact_key=f"board:{code}", external_id=f"board:{code}", text=text,
                         attachments=attachments, acknowledge=False, use_bot=False,
                         citizen_id=citizen_id)
    thread = session.get(WrittenThread, taken.thread_id)
    assert thread is not None
    thread.tracking_code = code
    thread.tracking_secret_hash = _hash(secret)
    thread.subject = masked(title)[:200]
    if owner_id is not None:
        thread.owner_agency_id = owner_id
    for f in files:
        session.add(BoardAttachment(thread_id=thread.id, filename=f.filename,
                                    content_type=f.content_type, size=f.size, sha256=f.sha256))
    store(get_settings().attachments_dir, files)
    session.commit()
    return Submitted(thread.id, code, secret, taken.events)


def tracked(session: Session, code: str, secret: str) -> WrittenThread:
    """The thread behind a tracking code, for the citizen holding its secret."""
    thread = session.scalar(select(WrittenThread).where(WrittenThread.tracking_code == code))
    if thread is None or not thread.tracking_secret_hash or not hmac.compare_digest(
            thread.tracking_secret_hash, _hash(secret or "")):
        raise ThreadNotFound("no question with this tracking code and key")
    return thread


def tracking_view(session: Session, code: str, secret: str) -> dict[str, Any]:
    """What the citizen sees: status, SLA, the question and answers, masked like every
    message (their own question too: the page's key travels in its URL; docs/pii.md)."""
    thread = tracked(session, code, secret)
    if thread.status == "closed":
        status = "answered" if thread.first_agent_reply_at else "closed"
    elif thread.first_agent_reply_at is not None:
        status = "answered"
    elif thread.claimed_by_agent_id is not None or thread.owner_agency_id is not None:
        status = "in_progress"
    else:
        status = "received"
    return {
        "code": thread.tracking_code, "status": status, "language": thread.language,
        "subject": thread.subject, "created_at": thread.created_at.isoformat(),
        "sla_due_at": thread.sla_due_at.isoformat() if thread.sla_due_at else None,
        "sla_seconds_left": remaining_seconds(thread.sla_due_at, utcnow()),
        "messages": [{"from": "citizen" if m.sender == "citizen" else "city",
                      "body": m.body_masked, "at": m.created_at.isoformat(),
                      "attachments": [a.get("name") for a in c.attachments]}
                     for m, c in transcript(session, thread)],
    }


def publish_candidate(session: Session, user: User, thread_id: int) -> KbEntry:
    """Turn an answered board question into a draft KB entry for the KB editors (masked)."""
    thread = get_thread(session, thread_id)
    if thread.channel != "web":
        raise Invalid("only Q&A board questions become KB candidates")
    if thread.kb_candidate_id is not None:
        raise Conflict("this question is already a KB candidate")
    rows = transcript(session, thread)
    question = next((m.body_masked for m, _ in rows if m.sender == "citizen"), "")
    answers = [c.translation if c.translation_language == "ko" and c.translation
               else m.body_masked for m, c in rows if m.sender == "agent"]
    if not answers:
        raise Invalid("the question has no agent answer yet")
    now = utcnow()
    entry = KbEntry(title=(thread.subject or question[:80])[:500],
                    question_variants=[question[:500]], answer=masked(answers[-1]),
                    owner_agency_id=thread.owner_agency_id, status="draft",
                    source="qna_board", created_at=now, updated_at=now)
    session.add(entry)
    session.flush()
    thread.kb_candidate_id = entry.id
    audit.record(session, user, "kb.candidate_from_board", object_type="kb_entry",
                 object_id=entry.id, detail={"thread_id": thread.id})
    return entry
