"""Answerability stored per entry, and the editors' review queue.

:func:`assess_entries` runs the rules and classifier of :mod:`dasan.knowledge.answerability`
over entries (after an import, an edit, or nightly: staleness moves with the calendar); an
editor's decision (:func:`decide`) is kept and never overwritten by a later automatic run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import can_edit_agency
from dasan.db.base import utcnow
from dasan.db.models import KbEntry, User
from dasan.db.models_kbquality import KbAnswerability
from dasan.errors import DomainError, NotFound
from dasan.knowledge.answerability import EntryText, assess

VERDICTS = ("standard", "reference")


class VerdictError(DomainError):
    status = 422
    code = "bad_verdict"


class VerdictScopeError(DomainError):
    status = 403
    code = "forbidden"


def entry_text(entry: KbEntry) -> EntryText:
    return EntryText(title=entry.title, answer=entry.answer or "", program=entry.program,
                     valid_to=entry.valid_to)


def _touch(entry: KbEntry) -> None:
    # The live search index follows updated_at; answerability is one of its filters.
    entry.updated_at = utcnow()


def assess_entries(session: Session, entries: Iterable[KbEntry] | None = None,
                   as_of: date | None = None) -> dict[str, int]:
    """(Re-)assess entries (all when None); editors' decisions are left as they are."""
    as_of = as_of or date.today()
    rows = list(entries) if entries is not None else list(session.scalars(select(KbEntry)))
    known = {a.entry_id: a for a in session.scalars(
        select(KbAnswerability).where(KbAnswerability.entry_id.in_([e.id for e in rows])))}
    counts = {"standard": 0, "reference": 0, "needs_review": 0, "editor": 0, "changed": 0}
    for e in rows:
        cur = known.get(e.id)
        if cur is not None and cur.source == "editor":
            counts["editor"] += 1
            counts[cur.verdict] += 1
            continue
        a = assess(entry_text(e), as_of)
        if cur is None:
            cur = KbAnswerability(entry_id=e.id, source="auto")
            session.add(cur)
        if cur.verdict != a.verdict or cur.entry_id is None or list(cur.reasons or []) != list(
                a.reasons):
            counts["changed"] += 1
            _touch(e)
        cur.verdict = a.verdict
        cur.reasons = list(a.reasons)
        cur.probability = round(a.probability, 4)
        cur.needs_review = a.needs_review
        cur.assessed_at = utcnow()
        counts[a.verdict] += 1
        counts["needs_review"] += int(a.needs_review)
    session.flush()
    return counts


def verdict_of(session: Session, entry_id: int) -> KbAnswerability | None:
    return session.get(KbAnswerability, entry_id)


def reference_ids(session: Session, ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    return set(session.scalars(select(KbAnswerability.entry_id).where(
        KbAnswerability.entry_id.in_(ids), KbAnswerability.verdict == "reference")))


def check_may_decide(user: User, entry: KbEntry) -> None:
    """Editors decide for their own agency's entries; admins for all."""
    if not can_edit_agency(user, entry.owner_agency_id):
        raise VerdictScopeError(f"{user.username} may not review entries of agency "
                                f"{entry.owner_agency_id}")


def decide(session: Session, user: User, entry_id: int, verdict: str,
           note: str | None = None) -> KbAnswerability:
    """An editor's decision: kept over later automatic runs, audited."""
    if verdict not in VERDICTS:
        raise VerdictError(f"verdict must be one of {', '.join(VERDICTS)}")
    entry = session.get(KbEntry, entry_id)
    if entry is None:
        raise NotFound(f"knowledge-base entry {entry_id} not found")
    check_may_decide(user, entry)
    cur = session.get(KbAnswerability, entry_id)
    before = cur.verdict if cur else None
    if cur is None:
        cur = KbAnswerability(entry_id=entry_id, reasons=[], probability=0.0)
        session.add(cur)
    cur.verdict = verdict
    cur.source = "editor"
    cur.needs_review = False
    cur.decided_by = user.id
    cur.note = (note or "").strip()[:512] or None
    cur.assessed_at = utcnow()
    _touch(entry)
    session.flush()
    audit.record(session, user, "kb.answerability", object_type="kb_entry", object_id=entry_id,
                 detail={"from": before, "to": verdict, "note": cur.note})
    return cur


def review_queue(session: Session, agency_id: int | None = None, limit: int = 200
                 ) -> list[dict[str, Any]]:
    """Automatic verdicts an editor should confirm: unsure, or rules and model disagree."""
    q = (select(KbEntry, KbAnswerability)
         .join(KbAnswerability, KbAnswerability.entry_id == KbEntry.id)
         .where(KbAnswerability.needs_review.is_(True), KbAnswerability.source == "auto"))
    if agency_id is not None:
        q = q.where(KbEntry.owner_agency_id == agency_id)
    q = q.order_by(KbAnswerability.probability.desc(), KbEntry.id).limit(limit)
    return [{"entry_id": e.id, "title": e.title, "owner_agency_id": e.owner_agency_id,
             "verdict": a.verdict, "reasons": list(a.reasons or []),
             "probability": a.probability, "answer_preview": (e.answer or "")[:300]}
            for e, a in session.execute(q)]


def summary(session: Session) -> dict[str, int]:
    out = {"standard": 0, "reference": 0, "needs_review": 0}
    for verdict, review, source in session.execute(select(
            KbAnswerability.verdict, KbAnswerability.needs_review, KbAnswerability.source)):
        out[verdict] = out.get(verdict, 0) + 1
        out["needs_review"] += int(bool(review) and source == "auto")
    return out
