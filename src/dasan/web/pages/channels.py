"""Written-channel pages: the Q&A board (`/qna`, tracking `/qna/t/{code}`), public answer pages
linked from SMS (`/answers/{id}`), and the written queue (`/written`): agents and supervisors are
sent to the agent desktop (`/agent`), where written threads sit beside chats; the department
that owns a topic (KB editors of its agency) keeps `/written` as its filtered view."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dasan import access
from dasan.channels import desk
from dasan.channels.board import service as board
from dasan.channels.board.files import MAX_FILE_BYTES, MAX_FILES, Upload
from dasan.consultations import outcomes
from dasan.db.models import KbEntry, User
from dasan.errors import DomainError
from dasan.web.deps import current_user, get_db, require_page_roles
from dasan.web.live import publish_all
from dasan.web.templating import request_language, templates

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    "received": ("접수", "Received"), "in_progress": ("처리 중", "In progress"),
    "answered": ("답변 완료", "Answered"), "closed": ("종료", "Closed"),
}
CHANNEL_LABELS = {"sms": ("문자", "SMS"), "portal": ("민간포털", "Portal"),
                  "web": ("홈페이지", "Web Q&A")}


@router.get("/qna", response_class=HTMLResponse)
def qna_form(request: Request, user: User | None = Depends(current_user)) -> Response:
    return templates.TemplateResponse(request, "channels/qna_form.html", {
        "user": user, "error": None, "title": "", "body": "", "max_files": MAX_FILES,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024)})


@router.post("/qna", response_class=HTMLResponse)
async def qna_submit(request: Request, title: str = Form(""), body: str = Form(""),
                     files: list[UploadFile] = File(default=[]),
                     db: Session = Depends(get_db),
                     user: User | None = Depends(current_user)) -> Response:
    uploads = []
    for f in files[: MAX_FILES + 1]:
        uploads.append(Upload(f.filename or "", f.content_type or "",
                              await f.read(MAX_FILE_BYTES + 1)))
    try:
        # In a worker thread: screening, masking and the search are seconds of CPU on a
        # cold start, and on the event loop they stopped every other request meanwhile.
        submitted = await run_in_threadpool(board.submit, db, title, body, uploads,
                                            account=user)
    except DomainError as exc:
        return templates.TemplateResponse(request, "channels/qna_form.html", {
            "user": user, "error": exc.message, "title": title, "body": body,
            "max_files": MAX_FILES, "max_mb": MAX_FILE_BYTES // (1024 * 1024)},
            status_code=exc.status)
    await publish_all(request.app, submitted.events)  # a crisis: the supervisors' live alert
    return RedirectResponse(f"/qna/t/{submitted.tracking_code}?key={submitted.secret}&new=1",
                            status_code=303)


@router.get("/qna/t/{code}", response_class=HTMLResponse)
def qna_tracking(request: Request, code: str, key: str = "", db: Session = Depends(get_db),
                 user: User | None = Depends(current_user)) -> Response:
    try:
        view = board.tracking_view(db, code, key)
    except DomainError as exc:
        return templates.TemplateResponse(request, "channels/qna_missing.html",
                                          {"user": user}, status_code=exc.status)
    return templates.TemplateResponse(request, "channels/qna_tracking.html", {
        "user": user, "view": view, "status_label": STATUS_LABELS[view["status"]],
        "new": request.query_params.get("new") == "1"})


@router.get("/answers/{entry_id}", response_class=HTMLResponse)
def public_answer(request: Request, entry_id: int, db: Session = Depends(get_db),
                  user: User | None = Depends(current_user)) -> Response:
    entry = db.get(KbEntry, entry_id)
    today = date.today()
    if entry is None or entry.status != "published" or (
            entry.valid_to is not None and entry.valid_to < today):
        return templates.TemplateResponse(request, "channels/qna_missing.html",
                                          {"user": user}, status_code=404)
    return templates.TemplateResponse(request, "channels/answer.html",
                                      {"user": user, "entry": entry})


@router.get("/written", response_class=HTMLResponse)
def written_desk(request: Request, db: Session = Depends(get_db),
                 user: User = Depends(require_page_roles(*access.DESK_AND_KB))
                 ) -> Response:
    if access.has_role(user, access.AGENTS):
        # Agents answer written threads on the one desktop, beside their chats.
        thread = request.query_params.get("thread", "")
        return RedirectResponse("/agent" + (f"?thread={int(thread)}" if thread.isdigit() else ""),
                                status_code=303)
    items = desk.queue(db, user)  # the owning department's own view (no agent desktop)
    return templates.TemplateResponse(request, "channels/written.html", {
        "user": user, "items": items, "channel_labels": CHANNEL_LABELS,
        "outcome_labels": outcomes.LABELS_EN if request_language(request) == "en"
        else outcomes.LABELS_KO})
