"""The agent assistant's live recommendations: best knowledge-base answers for a chat.

Built on the process-wide live index (`dasan.knowledge.live`), which follows edits of the KB
table. Each recommendation carries what an agent must check before using an answer: the owner
(department or district) and the review date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Message
from dasan.errors import BadRequest
from dasan.knowledge.live import get_live_index
from dasan.knowledge.search import CROSSLINGUAL

MAX_QUERY_CHARS = 1000
ANSWER_PREVIEW_CHARS = 1200


@dataclass(frozen=True)
class Recommendation:
    entry_id: int
    title: str
    answer: str
    category: str | None
    program: str | None
    owner: str | None
    review_due: str | None
    overdue: bool
    confidence: float
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(session: Session, query: str, k: int = 3, today: date | None = None,
           lexical_query: str | None = None, language: str | None = None,
           wait: float | None = None) -> list[Recommendation]:
    """Top `k` published, currently valid entries for `query` (ValueError when it is empty).
    `lexical_query`: the Korean terms of a foreign-language `query`
    (dasan.channels.translation.lexicon); then the search fuses the encoder's reading of the
    question with the lexical scorers' reading of the terms (`CROSSLINGUAL` weights);
    `language`: the question's (SearchIndex.search). `wait`: how long to wait for an index
    still being built (LiveIndex.sync; `IndexWarming` after it)."""
    query = (query or "").strip()
    if not query:
        raise BadRequest("query is empty")
    query = query[-MAX_QUERY_CHARS:]
    today = today or date.today()
    out: list[Recommendation] = []
    cross = bool(lexical_query and lexical_query.strip())
    for entry, hit in get_live_index().search(
            session, query, k=k, valid_on=today,
            lexical_query=lexical_query[-MAX_QUERY_CHARS:] if cross and lexical_query else None,
            weights=CROSSLINGUAL if cross else None, language=language if cross else None,
            wait=wait):
        out.append(Recommendation(
            entry_id=entry.id,
            title=entry.title,
            answer=(entry.answer or "")[:ANSWER_PREVIEW_CHARS],
            category=entry.category,
            program=entry.program,
            owner=entry.owner.name if entry.owner else None,
            review_due=entry.review_due.isoformat() if entry.review_due else None,
            overdue=bool(entry.review_due and entry.review_due < today),
            confidence=round(float(hit.confidence), 3),
            score=round(float(hit.score), 4),
        ))
    return out


SHORT_TURN_CHARS = 12


def query_for_chat(session: Session, consultation_id: int, last_n: int = 2) -> str:
    """The text the assistant searches with: the citizen's latest turn, so that the
    recommendations follow a change of subject; a short latest turn ("네", "그럼 요금은요?")
    takes the turn before it along for context."""
    rows = [b for b, flags in session.execute(
        select(Message.body, Message.flags).where(Message.consultation_id == consultation_id,
                                                  Message.sender == "citizen")
        .order_by(Message.seq.desc()).limit(last_n + 4))
        # Feedback clicks are UI gestures, not what the citizen asked.
        if not (flags or {}).get("feedback")]
    if not rows:
        return ""
    turns = [rows[0]]
    for body in rows[1:last_n]:
        if len(" ".join(turns)) >= SHORT_TURN_CHARS:
            break
        turns.append(body)
    return " ".join(reversed(turns))


def for_chat(session: Session, consultation_id: int, k: int = 3) -> list[Recommendation]:
    text = query_for_chat(session, consultation_id)
    return search(session, text, k) if text.strip() else []
