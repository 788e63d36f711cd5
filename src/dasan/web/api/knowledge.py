"""Knowledge-base API: search (used by the chatbot and the agent assistant), CRUD, review cycle."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access
from dasan.auth import ROLES
from dasan.db.models import Agency, KbEntry, User
from dasan.knowledge import gaps, quality, service
from dasan.knowledge.live import get_live_index
from dasan.knowledge.service import EntryIn, EntryPatch, ScopeError
from dasan.timeutil import UtcDateTime
from dasan.web.deps import deny, get_db, require_roles
from dasan.web.errors import http_error

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])
STAFF = access.KB_READERS
EDITORS = access.KB_EDITORS


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    kind: str
    title: str
    program: str | None
    question_variants: list[str]
    answer: str
    # the editors' gists of the answer, language -> text (dasan.knowledge.editor_gists)
    gists: dict[str, str] | None = None
    category: str | None
    owner_agency_id: int | None
    owner_name: str | None = None
    status: str
    needs_answer: bool
    valid_from: date | None
    valid_to: date | None
    review_due: date | None
    version: int
    updated_at: UtcDateTime


class SearchHitOut(BaseModel):
    entry: EntryOut
    score: float
    confidence: float
    bm25: float
    dense: float
    # "lexical": the lexical match was decisive and the query was not embedded (dense is 0)
    stage: str = "hybrid"


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    snapshot: dict[str, Any]
    changed_by: int | None
    change_note: str | None
    changed_at: UtcDateTime


def entry_out(entry: KbEntry) -> EntryOut:
    out = EntryOut.model_validate(entry)
    out.owner_name = entry.owner.name if entry.owner else None
    return out


@router.get("/search", response_model=list[SearchHitOut])
def search(
    q: str = Query(min_length=1, max_length=2000, description="citizen's question"),
    k: int = Query(default=5, ge=1, le=50),
    category: str | None = None,
    owner: str | None = Query(default=None, description="owner agency code, e.g. gu-11545"),
    valid_on: date | None = None,
    db: Session = Depends(get_db),
    _user: User = Depends(require_roles(*ROLES)),
) -> list[SearchHitOut]:
    results = get_live_index().search(db, q, k, category=category, owner=owner,
                                      valid_on=valid_on)
    return [SearchHitOut(entry=entry_out(e), score=h.score, confidence=h.confidence,
                         bm25=h.bm25, dense=h.dense, stage=h.stage) for e, h in results]


@router.get("/entries", response_model=list[EntryOut])
def list_entries(
    db: Session = Depends(get_db),
    _user: User = Depends(require_roles(*STAFF)),
    status: Literal["draft", "published", "retired"] | None = None,
    category: str | None = None,
    owner_agency_id: int | None = None,
    needs_answer: bool | None = None,
    contains: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[EntryOut]:
    query = select(KbEntry)
    if status:
        query = query.where(KbEntry.status == status)
    if category:
        query = query.where(KbEntry.category == category)
    if owner_agency_id is not None:
        query = query.where(KbEntry.owner_agency_id == owner_agency_id)
    if needs_answer is not None:
        query = query.where(KbEntry.needs_answer.is_(needs_answer))
    if contains:
        query = query.where(KbEntry.title.contains(contains))
    rows = db.scalars(query.order_by(KbEntry.id).limit(limit).offset(offset))
    return [entry_out(e) for e in rows]


def _get(db: Session, entry_id: int) -> KbEntry:
    try:
        return service.get_entry(db, entry_id)
    except LookupError as exc:
        raise http_error(404, str(exc)) from exc


@router.get("/entries/{entry_id}", response_model=EntryOut)
def get_entry(
    entry_id: int, db: Session = Depends(get_db), _user: User = Depends(require_roles(*STAFF))
) -> EntryOut:
    return entry_out(_get(db, entry_id))


@router.post("/entries", response_model=EntryOut, status_code=201)
def create_entry(
    body: EntryIn,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    try:
        entry = service.create_entry(db, user, body)
    except ScopeError as exc:
        db.rollback()
        deny(db, user, "kb.other_agency", request, reason=str(exc))
        raise
    db.commit()
    return entry_out(entry)


@router.patch("/entries/{entry_id}", response_model=EntryOut)
def update_entry(
    entry_id: int,
    body: EntryPatch,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    _get(db, entry_id)
    try:
        entry = service.update_entry(db, user, entry_id, body)
    except ScopeError as exc:
        db.rollback()
        deny(db, user, "kb.other_agency", request, entry=entry_id, reason=str(exc))
        raise
    db.commit()
    return entry_out(entry)


@router.get("/entries/{entry_id}/history", response_model=list[VersionOut])
def entry_history(
    entry_id: int, db: Session = Depends(get_db), _user: User = Depends(require_roles(*STAFF))
) -> list[Any]:
    _get(db, entry_id)
    return service.history(db, entry_id)


@router.get("/overdue", response_model=list[EntryOut])
def overdue(
    request: Request,
    agency_id: int | None = None,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.KB_OVERDUE_READERS)),
) -> list[EntryOut]:
    """Entries overdue for 현행화; an editor sees its own agency's."""
    if user.role == "kb_editor":
        if agency_id is not None and agency_id != user.agency_id:
            deny(db, user, "kb.other_agency", request, agency=agency_id)
        agency_id = user.agency_id
    return [entry_out(e) for e in service.overdue(db, date.today(), agency_id)]


@router.get("/dashboard")
def dashboard(
    db: Session = Depends(get_db), _user: User = Depends(require_roles(*STAFF))
) -> list[dict[str, Any]]:
    return service.owner_dashboard(db, date.today())


@router.post("/reminders")
def send_reminders(
    db: Session = Depends(get_db), _user: User = Depends(require_roles(*access.KB_REMINDER_SENDERS))
) -> dict[str, Any]:
    sent = service.send_reminders(db, date.today())
    db.commit()
    return {"reminded_agencies": len(sent), "entries": sum(sent.values())}


@router.get("/export")
def export(
    request: Request,
    format: Literal["csv", "jsonl"] = "csv",
    agency_id: int | None = None,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.KB_EXPORTERS)),
) -> Response:
    if user.role == "kb_editor":
        if agency_id is not None and agency_id != user.agency_id:
            deny(db, user, "kb.other_agency", request, agency=agency_id)
        agency_id = user.agency_id
    if agency_id is not None and db.get(Agency, agency_id) is None:
        raise http_error(404, f"agency {agency_id} not found")
    body = service.export(db, user, format, agency_id)
    db.commit()
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="dasan-kb.{format}"'})


# -- answerability: the review queue -------------------------------------------------------


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    verdict: Literal["standard", "reference"]
    note: str | None = Field(default=None, max_length=512)


def _editor_scope(db: Session, user: User, request: Request, agency_id: int | None
                  ) -> int | None:
    """An editor sees its own agency's queue; others may pick an agency."""
    if user.role == "kb_editor":
        if agency_id is not None and agency_id != user.agency_id:
            deny(db, user, "kb.other_agency", request, agency=agency_id)
        return user.agency_id
    return agency_id


@router.get("/answerability/review")
def answerability_review(
    request: Request,
    agency_id: int | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS, "supervisor")),
) -> dict[str, Any]:
    """Automatic verdicts an editor should confirm, and the counts of each verdict."""
    agency_id = _editor_scope(db, user, request, agency_id)
    return {"summary": quality.summary(db),
            "queue": quality.review_queue(db, agency_id, limit)}


@router.put("/entries/{entry_id}/answerability")
def set_answerability(
    entry_id: int,
    body: VerdictIn,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> dict[str, Any]:
    """An editor decides: the bot may answer with this entry (standard) or not (reference)."""
    row = quality.decide(db, user, entry_id, body.verdict, body.note)
    db.commit()
    return {"entry_id": row.entry_id, "verdict": row.verdict, "source": row.source,
            "note": row.note}


@router.get("/entries/{entry_id}/answerability")
def get_answerability(
    entry_id: int, db: Session = Depends(get_db), _user: User = Depends(require_roles(*STAFF))
) -> dict[str, Any]:
    _get(db, entry_id)
    row = quality.verdict_of(db, entry_id)
    if row is None:
        return {"entry_id": entry_id, "verdict": "standard", "source": "none", "reasons": []}
    return {"entry_id": entry_id, "verdict": row.verdict, "source": row.source,
            "reasons": list(row.reasons or []), "probability": row.probability,
            "needs_review": row.needs_review, "note": row.note}


@router.post("/answerability/assess")
def assess_all(
    db: Session = Depends(get_db), _user: User = Depends(require_roles(*access.ADMINS))
) -> dict[str, int]:
    """Re-run the rules and classifier over every entry (editors' decisions are kept)."""
    counts = quality.assess_entries(db)
    db.commit()
    return counts


# -- the miss loop ---------------------------------------------------------------------------


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=2, max_length=512)
    answer: str = Field(default="", max_length=20000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: int


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=2, max_length=512)


@router.get("/gaps")
def gap_clusters(
    request: Request,
    agency_id: int | None = None,
    days: int = Query(default=7, ge=1, le=90),
    status: Literal["open", "drafted", "merged", "dismissed"] = "open",
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS, "supervisor")),
) -> list[dict[str, Any]]:
    """Questions citizens asked that the KB did not answer, by topic, most asked first
    (examples are masked)."""
    agency_id = _editor_scope(db, user, request, agency_id)
    return gaps.dashboard(db, agency_id, days, status)


@router.post("/gaps/{cluster_id}/draft", response_model=EntryOut, status_code=201)
def gap_to_draft(
    cluster_id: int, body: DraftIn, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    entry = gaps.to_draft(db, user, cluster_id, body.title, body.answer)
    db.commit()
    return entry_out(entry)


@router.post("/gaps/{cluster_id}/merge", response_model=EntryOut)
def gap_merge(
    cluster_id: int, body: MergeIn, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    _get(db, body.entry_id)
    try:
        entry = gaps.merge_into(db, user, cluster_id, body.entry_id)
    except ScopeError as exc:
        raise http_error(403, str(exc)) from exc
    db.commit()
    return entry_out(entry)


@router.post("/gaps/{cluster_id}/dismiss")
def gap_dismiss(
    cluster_id: int, body: DismissIn, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> dict[str, Any]:
    c = gaps.dismiss(db, user, cluster_id, body.reason)
    db.commit()
    return {"id": c.id, "status": c.status, "reason": c.resolution_note}


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=2, max_length=500)
    answer: str = Field(default="", max_length=5000)
    entry_id: int | None = None
    consultation_id: int | None = None


@router.post("/proposals", status_code=201)
def propose(
    body: ProposalIn, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*access.DESK_AND_KB)),
) -> dict[str, Any]:
    """An agent proposes an entry or an edit after a consultation; the owner approves it from
    the gaps dashboard."""
    event = gaps.propose(db, user, body.question, body.answer, body.entry_id,
                         body.consultation_id)
    db.commit()
    return {"id": event.id, "cluster_id": event.cluster_id,
            "owner_agency_id": event.owner_agency_id}



# -- 현행화 workflow: bulk confirm, diff, restore, reassign ------------------------------------


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_ids: list[int] = Field(min_length=1, max_length=500)


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    owner_agency_id: int
    note: str | None = Field(default=None, max_length=512)


def _scoped(db: Session, user: User, request: Request, entry_id: int | None) -> None:
    db.rollback()
    deny(db, user, "kb.other_agency", request, entry=entry_id)


@router.post("/entries/confirm")
def confirm_unchanged(
    body: ConfirmIn, request: Request, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> dict[str, Any]:
    """Bulk review: confirm entries unchanged (one new version each, next review date set)."""
    for eid in body.entry_ids:
        _get(db, eid)
    try:
        done = service.confirm_unchanged(db, user, body.entry_ids)
    except ScopeError:
        _scoped(db, user, request, None)
        raise
    db.commit()
    return {"confirmed": done}


@router.get("/entries/{entry_id}/diff")
def diff_versions(
    entry_id: int, a: int = Query(ge=1), b: int = Query(ge=1), db: Session = Depends(get_db),
    _user: User = Depends(require_roles(*STAFF)),
) -> dict[str, Any]:
    _get(db, entry_id)
    try:
        return service.diff_versions(db, entry_id, a, b)
    except LookupError as exc:
        raise http_error(404, str(exc)) from exc


@router.post("/entries/{entry_id}/restore/{version}", response_model=EntryOut)
def restore_version(
    entry_id: int, version: int, request: Request, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    _get(db, entry_id)
    try:
        entry = service.restore_version(db, user, entry_id, version)
    except ScopeError:
        _scoped(db, user, request, entry_id)
        raise
    except LookupError as exc:
        raise http_error(404, str(exc)) from exc
    db.commit()
    return entry_out(entry)


@router.post("/entries/{entry_id}/owner", response_model=EntryOut)
def reassign_owner(
    entry_id: int, body: ReassignIn, request: Request, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*EDITORS)),
) -> EntryOut:
    _get(db, entry_id)
    try:
        entry = service.reassign_owner(db, user, entry_id, body.owner_agency_id, body.note)
    except ScopeError:
        _scoped(db, user, request, entry_id)
        raise
    db.commit()
    return entry_out(entry)
