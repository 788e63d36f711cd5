"""The staff accounts page (`/admin/users`): forms in, `dasan.useradmin` does the work."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dasan import access, useradmin
from dasan.consultations.districts import DISTRICTS
from dasan.db.models import User
from dasan.errors import DomainError
from dasan.passwords import MIN_LENGTH
from dasan.web.deps import get_db, require_page_roles
from dasan.web.sessions import client_ip
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)

# Korean-first messages for the refusals an administrator can meet (by error code).
MESSAGES: dict[str, tuple[str, str]] = {
    "weak_password": (f"비밀번호는 {MIN_LENGTH}자 이상이어야 하며, 흔한 비밀번호나 사용자 ID를 "
                      "포함할 수 없습니다.",
                      f"Passwords need {MIN_LENGTH}+ characters, not a common one, not the "
                      "username."),
    "conflict": ("이미 있는 계정이거나 자신의 계정에는 할 수 없는 작업입니다.",
                 "The account exists already, or you cannot do this to your own account."),
    "not_found": ("계정을 찾을 수 없습니다.", "No such account."),
    "invalid": ("입력값을 확인하세요. 자치구 담당자는 자치구가, 표준상담DB 편집자는 부서가 "
                "필요합니다.",
                "Check the input: a district officer needs a district, a KB editor an "
                "agency."),
}
DONE: dict[str, tuple[str, str]] = {
    "created": ("계정을 만들었습니다.", "Account created."),
    "active": ("계정 상태를 바꾸었습니다.", "Account status changed."),
    "role": ("역할을 바꾸었습니다. 새 역할은 다음 로그인부터 적용됩니다.",
             "Role changed; it applies from the next login."),
    "password": ("비밀번호를 재설정했습니다. 기존 세션과 API 토큰은 끝났습니다.",
                 "Password reset; existing sessions and API tokens ended."),
}


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _page(request: Request, db: Session, user: User, *, error: DomainError | None = None,
          status: int = 200) -> Response:
    message = None
    if error is not None:
        message = MESSAGES.get(error.code, MESSAGES["invalid"])
    done = DONE.get(request.query_params.get("done", ""))
    return templates.TemplateResponse(request, "admin/users.html", {
        "user": user, "users": useradmin.list_users(db), "labels": useradmin.ROLE_LABELS,
        "agencies": useradmin.agencies(db), "districts": DISTRICTS, "error": message,
        "done": done, "min_length": MIN_LENGTH,
    }, status_code=status)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: Session = Depends(get_db),
               user: User = Depends(require_page_roles(*access.USER_ADMINS))) -> Response:
    return _page(request, db, user)


async def _act(request: Request, db: Session, user: User, done: str, action: Any) -> Response:
    form = await request.form()
    try:
        action(dict(form), client_ip(request))
    except DomainError as exc:
        db.rollback()
        return _page(request, db, user, error=exc, status=exc.status)
    db.commit()
    return RedirectResponse(f"/admin/users?done={done}", status_code=303)


@router.post("/admin/users")
async def create_user(request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.USER_ADMINS))) -> Response:
    return await _act(request, db, user, "created", lambda f, ip: useradmin.create(
        db, user, username=str(f.get("username", "")), password=str(f.get("password", "")),
        role=str(f.get("role", "")), display_name=str(f.get("display_name", "")),
        agency_id=_int(f.get("agency_id")), district_code=str(f.get("district_code") or "")
        or None, ip=ip))


@router.post("/admin/users/{user_id}/active")
async def set_active(user_id: int, request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.USER_ADMINS))) -> Response:
    return await _act(request, db, user, "active", lambda f, ip: useradmin.set_active(
        db, user, user_id, f.get("active") == "1", ip=ip))


@router.post("/admin/users/{user_id}/role")
async def change_role(user_id: int, request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.USER_ADMINS))) -> Response:
    return await _act(request, db, user, "role", lambda f, ip: useradmin.change_role(
        db, user, user_id, str(f.get("role", "")), agency_id=_int(f.get("agency_id")),
        district_code=str(f.get("district_code") or "") or None, ip=ip))


@router.post("/admin/users/{user_id}/password")
async def reset_password(user_id: int, request: Request, db: Session = Depends(get_db),
                         user: User = Depends(require_page_roles(*access.USER_ADMINS))
                         ) -> Response:
    return await _act(request, db, user, "password", lambda f, ip: useradmin.reset_password(
        db, user, user_id, str(f.get("password", "")), ip=ip))
