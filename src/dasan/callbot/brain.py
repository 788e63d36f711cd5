"""One question to the callbot: answer it from the KB when confident, else hand off.

The decision is the chatbot's (`dasan.chat.bot.respond`: answerable entries only, the
calibrated confidence threshold and coverage guard of `dasan.knowledge.answering`), on the
question normalised from spoken style. Without dense vectors (DASAN_EMBEDDER=none) the bot
still answers: on the lexical index's score with its own calibration (`LEXICAL_POLICY`),
which `respond` picks for the text chatbot and the callbot alike.
A hand-off carries the bot's guesses (top entries with their confidence) and the queue they
point at, for the agent's screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dasan.assist import recommend
from dasan.assist.recommend import ANSWER_PREVIEW_CHARS
from dasan.callbot.spoken import normalise
from dasan.chat.bot import MAX_ANSWER_CHARS, respond, wants_agent
from dasan.db.models import KbEntry
from dasan.db.models_kbquality import KbAnswerability
from dasan.knowledge.live import IndexWarming

SPOKEN_CHARS = 260
# KB category -> the ARS queue that serves it (ARS_MENU); others go to the node's handoff.
CATEGORY_QUEUE = {"교통": "transport", "복지": "welfare_admin", "행정": "welfare_admin"}


@dataclass
class BotTurn:
    kind: str  # answer | handoff | unclear
    question: str
    speech: str = ""
    entry_id: int | None = None
    guesses: list[dict[str, Any]] = field(default_factory=list)
    queue: str | None = None


def spoken_answer(title: str, body: str) -> str:
    text = " ".join(body.split())
    if len(text) > SPOKEN_CHARS:
        text = text[:SPOKEN_CHARS].rsplit(" ", 1)[0]
    return f"{title}. {text}"


def speech_for(title: str, answer: str) -> str:
    """What the bot reads for an entry: exactly the text `decide` builds from the chatbot's
    answer (so that `prerender` fills the TTS cache with what a call will ask for)."""
    body = f"{title}\n\n{answer[:ANSWER_PREVIEW_CHARS][:MAX_ANSWER_CHARS]}".strip()
    head, _, rest = body.partition("\n\n")
    return spoken_answer(head, rest.split("\n\n(")[0])


def answerable_speeches(session: Session) -> list[tuple[int, str]]:
    """(entry id, spoken answer) of every published entry the bot may answer with."""
    rows = session.execute(
        select(KbEntry.id, KbEntry.title, KbEntry.answer)
        .outerjoin(KbAnswerability, KbAnswerability.entry_id == KbEntry.id)
        .where(KbEntry.status == "published",
               or_(KbAnswerability.verdict.is_(None), KbAnswerability.verdict != "reference"))
        .order_by(KbEntry.id))
    return [(eid, speech_for(title, answer or "")) for eid, title, answer in rows]


def decide(session: Session, heard: str, consultation_id: int | None = None) -> BotTurn:
    question = normalise(heard)
    if not question:
        return BotTurn("unclear", question)
    if wants_agent(question):
        return BotTurn("handoff", question, guesses=guesses(session, question))
    reply = respond(session, question, previous_misses=0, consultation_id=consultation_id)
    if reply.kind == "answer":
        entry = reply.flags.get("entry", {})
        title, _, body = reply.body.partition("\n\n")
        return BotTurn("answer", question, spoken_answer(title, body.split("\n\n(")[0]),
                       entry_id=entry.get("id"))
    found = guesses(session, question)
    queue = next((CATEGORY_QUEUE[g["category"]] for g in found[:1]
                  if g.get("category") in CATEGORY_QUEUE), None)
    return BotTurn("handoff", question, guesses=found, queue=queue)


def guesses(session: Session, question: str, k: int = 3) -> list[dict[str, Any]]:
    try:
        recs = recommend.search(session, question, k=k)
    except (ValueError, IndexWarming):  # IndexWarming: just after start-up, no guesses
        return []
    return [{"entry_id": r.entry_id, "title": r.title, "category": r.category,
             "owner": r.owner, "confidence": r.confidence} for r in recs]
