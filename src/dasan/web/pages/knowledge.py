"""KB editor pages: search and browse, edit with history, the owners' review dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access
from dasan.auth import can_edit_agency
from dasan.consultations.channels import CATEGORIES
from dasan.db.models import KbEntry, User
from dasan.errors import DomainError
from dasan.knowledge import gaps, quality, service
from dasan.knowledge.live import get_live_index
from dasan.knowledge.service import EntryIn, EntryPatch, ScopeError
from dasan.web.deps import deny, get_db, require_page_roles
from dasan.web.errors import http_error
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)
STAFF = access.KB_READERS
PAGE = 50


@router.get("/kb", response_class=HTMLResponse)
def kb_list(
    request: Request,
    q: str = "",
    category: str = "",
    status: str = "",
    needs_answer: str = "",
    offset: int = 0,
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*STAFF)),
) -> Response:
    rows: list[dict[str, Any]]
    if q.strip():
        hits = get_live_index().search(db, q[:2000], 20, category=category or None,
                                       published_only=status in ("", "published"))
        rows = [{"entry": e, "confidence": h.confidence} for e, h in hits]
    else:
        query = select(KbEntry)
        if category:
            query = query.where(KbEntry.category == category)
        if status:
            query = query.where(KbEntry.status == status)
        if needs_answer:
            query = query.where(KbEntry.needs_answer.is_(True))
        entries = db.scalars(query.order_by(KbEntry.id).limit(PAGE).offset(max(offset, 0)))
        rows = [{"entry": e, "confidence": 0.0} for e in entries]
    counted = select(func.count(KbEntry.id))
    if category:
        counted = counted.where(KbEntry.category == category)
    if status:
        counted = counted.where(KbEntry.status == status)
    if needs_answer:
        counted = counted.where(KbEntry.needs_answer.is_(True))
    total = db.scalar(counted) or 0  # the filter's real count ("답변 필요만" included)
    page_query = urlencode({"category": category, "status": status, "needs_answer": needs_answer})
    return templates.TemplateResponse(request, "kb/list.html", {
        "user": user, "rows": rows, "q": q, "category": category, "status": status,
        "needs_answer": needs_answer, "categories": CATEGORIES, "total": total,
        "offset": offset, "page_query": page_query, "today": date.today(),
        "can_create": access.has_role(user, access.KB_EDITORS),
    })


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("title", "program", "answer", "category", "status", "change_note"):
        if name in form:
            values[name] = str(form[name])
    values["question_variants"] = [
        line.strip() for line in str(form.get("question_variants", "")).splitlines()
        if line.strip()
    ]
    for name in ("valid_from", "valid_to"):
        raw = str(form.get(name, "")).strip()
        values[name] = date.fromisoformat(raw) if raw else None
    for name in ("program", "category"):
        if values.get(name) == "":
            values[name] = None
    return values


def _render_entry(request: Request, user: User, entry: KbEntry | None, db: Session,
                  error: str | None = None, saved: bool = False, status: int = 200) -> Response:
    history = service.history(db, entry.id) if entry else []
    can_edit = can_edit_agency(user, entry.owner_agency_id) if entry else (
        access.has_role(user, access.KB_EDITORS))
    return templates.TemplateResponse(request, "kb/entry.html", {
        "user": user, "entry": entry, "history": history, "categories": CATEGORIES,
        "can_edit": can_edit, "error": error, "saved": saved,
    }, status_code=status)


@router.get("/kb/new", response_class=HTMLResponse)
def kb_new(request: Request, db: Session = Depends(get_db),
           user: User = Depends(require_page_roles(*access.KB_EDITORS))) -> Response:
    return _render_entry(request, user, None, db)


@router.post("/kb/new")
async def kb_create(request: Request, db: Session = Depends(get_db),
                    user: User = Depends(require_page_roles(*access.KB_EDITORS))) -> Response:
    values = _form_values(await request.form())
    values.pop("change_note", None)
    try:
        entry = service.create_entry(db, user, EntryIn(**values))
    except (ValidationError, ValueError, DomainError) as exc:
        return _render_entry(request, user, None, db, error=_message(exc), status=422)
    db.commit()
    return RedirectResponse(f"/kb/entries/{entry.id}?saved=1", status_code=303)


@router.get("/kb/entries/{entry_id}", response_class=HTMLResponse)
def kb_entry(entry_id: int, request: Request, saved: int = 0, db: Session = Depends(get_db),
             user: User = Depends(require_page_roles(*STAFF))) -> Response:
    entry = db.get(KbEntry, entry_id)
    if entry is None:
        raise http_error(404, f"knowledge-base entry {entry_id} not found")
    return _render_entry(request, user, entry, db, saved=bool(saved))


@router.post("/kb/entries/{entry_id}")
async def kb_save(entry_id: int, request: Request, db: Session = Depends(get_db),
                  user: User = Depends(require_page_roles(*access.KB_EDITORS))) -> Response:
    entry = db.get(KbEntry, entry_id)
    if entry is None:
        raise http_error(404, f"knowledge-base entry {entry_id} not found")
    values = _form_values(await request.form())
    current = service.snapshot(entry)
    changed = {k: v for k, v in values.items()
               if k == "change_note" or _as_text(current.get(k)) != _as_text(v)}
    try:
        service.update_entry(db, user, entry_id, EntryPatch(**changed))
    except ScopeError as exc:
        db.rollback()
        deny(db, user, "kb.other_agency", request, entry=entry_id, reason=str(exc))
        raise
    except (ValidationError, ValueError, DomainError) as exc:
        db.rollback()
        entry = db.get(KbEntry, entry_id)
        return _render_entry(request, user, entry, db, error=_message(exc), status=422)
    db.commit()
    return RedirectResponse(f"/kb/entries/{entry_id}?saved=1", status_code=303)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e["msg"] for e in exc.errors())
    return str(exc)


@router.get("/kb/dashboard", response_class=HTMLResponse)
def kb_dashboard(request: Request, db: Session = Depends(get_db),
                 user: User = Depends(require_page_roles(*STAFF))) -> Response:
    today = date.today()
    mine = service.overdue(db, today, user.agency_id) if user.agency_id else []
    reminders = service.reminders_for(db, user.agency_id) if user.agency_id else []
    return templates.TemplateResponse(request, "kb/dashboard.html", {
        "user": user, "rows": service.owner_dashboard(db, today), "mine": mine,
        "reminders": reminders,
    })


# -- knowledge quality: answerability review and the miss loop -----------------------------

EDITOR_PAGES = ("kb_editor", "admin", "supervisor")


def _scope(user: User) -> int | None:
    return user.agency_id if user.role == "kb_editor" else None


@router.get("/kb/gaps", response_class=HTMLResponse)
def kb_gaps(request: Request, days: int = 7, status: str = "open", done: str = "",
            db: Session = Depends(get_db),
            user: User = Depends(require_page_roles(*EDITOR_PAGES))) -> Response:
    """Citizens asked this N times this week: the owner's unanswered topics."""
    days = min(max(days, 1), 90)
    if status not in ("open", "drafted", "merged", "dismissed"):
        status = "open"
    rows = gaps.dashboard(db, _scope(user), days, status)
    return templates.TemplateResponse(request, "kb/gaps.html", {
        "user": user, "rows": rows, "days": days, "status": status, "done": done,
        "may_edit": access.has_role(user, access.KB_EDITORS)})


@router.post("/kb/gaps/{cluster_id}")
async def kb_gap_action(cluster_id: int, request: Request, db: Session = Depends(get_db),
                        user: User = Depends(require_page_roles(*access.KB_EDITORS))
                        ) -> Response:
    form = await request.form()
    action = str(form.get("action") or "")
    if action == "draft":
        entry = gaps.to_draft(db, user, cluster_id, str(form.get("title") or "") or None)
        db.commit()
        return RedirectResponse(f"/kb/entries/{entry.id}?saved=1", status_code=303)
    if action == "merge":
        raw = str(form.get("entry_id") or "").strip()
        if not raw.isdigit():
            raise http_error(422, "entry_id must be a number")
        gaps.merge_into(db, user, cluster_id, int(raw))
    elif action == "dismiss":
        gaps.dismiss(db, user, cluster_id, str(form.get("reason") or ""))
    else:
        raise http_error(422, "action must be draft, merge or dismiss")
    db.commit()
    return RedirectResponse(f"/kb/gaps?done={action}", status_code=303)


@router.get("/kb/review", response_class=HTMLResponse)
def kb_review(request: Request, done: str = "", db: Session = Depends(get_db),
              user: User = Depends(require_page_roles(*EDITOR_PAGES))) -> Response:
    """Automatic answerability verdicts waiting for an editor."""
    return templates.TemplateResponse(request, "kb/review.html", {
        "user": user, "queue": quality.review_queue(db, _scope(user)),
        "summary": quality.summary(db), "done": done,
        "may_edit": access.has_role(user, access.KB_EDITORS)})


@router.post("/kb/review/{entry_id}")
async def kb_review_decide(entry_id: int, request: Request, db: Session = Depends(get_db),
                           user: User = Depends(require_page_roles(*access.KB_EDITORS))
                           ) -> Response:
    form = await request.form()
    quality.decide(db, user, entry_id, str(form.get("verdict") or ""),
                   str(form.get("note") or "") or None)
    db.commit()
    return RedirectResponse("/kb/review?done=1", status_code=303)
