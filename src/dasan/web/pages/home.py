"""Home page, login and logout (HTML)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.auth import AuthError, LockedOut
from dasan.auth import login as login_attempt
from dasan.config import get_settings
from dasan.db.models import Consultation, KbEntry, User
from dasan.web.deps import current_user, get_db
from dasan.web.sessions import client_ip, login_response, logout_response
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)

ROLE_LINKS = (
    {"href": "/chat", "ko": "시민 상담", "en": "Citizen chat",
     "desc_ko": "챗봇과 상담사에게 묻기 (시민)",
     "desc_en": "Ask the chatbot or an agent (citizens)"},
    {"href": "/agent", "ko": "상담사 데스크", "en": "Agent desktop",
     "desc_ko": "실시간 채팅과 상담도우미 (상담사)",
     "desc_en": "Live chats and the assistant (agents)"},
    {"href": "/supervisor", "ko": "실시간 현황", "en": "Supervisor view",
     "desc_ko": "대기열, 상담사 상태, 이슈 알림 (관리자)",
     "desc_en": "Queues, agent states, issue alerts (supervisors)"},
    {"href": "/kb", "ko": "표준상담DB", "en": "Knowledge base",
     "desc_ko": "상담 답변 편집과 현행화 (부서·자치구 편집자)",
     "desc_en": "Edit and refresh answers (department and district editors)"},
    {"href": "/reports", "ko": "분석·VOC 리포트", "en": "Analytics & VOC",
     "desc_ko": "KPI, VOC 보고서, 정책 이슈 분석 (분석가)",
     "desc_en": "KPIs, VOC reports, policy-issue analysis (analysts)"},
    {"href": "/workforce", "ko": "인력 운영", "en": "Workforce",
     "desc_ko": "수요 예측, 적정 인력, 근무표, 시뮬레이션 (관리자)",
     "desc_en": "Forecasts, staffing, shifts, simulation (supervisors)"},
    {"href": "/qna", "ko": "온라인 질문", "en": "Ask online",
     "desc_ko": "홈페이지 질문 게시판, 처리 상황 조회 (시민)",
     "desc_en": "Web Q&A board with a tracking page (citizens)"},
    {"href": "/written", "ko": "문자·게시판 상담", "en": "Written threads",
     "desc_ko": "문자, 민간포털, 홈페이지 질문 답변 (상담사는 상담사 데스크에서, 담당 부서)",
     "desc_en": "Answer SMS, portal and web questions (agents on the desktop, departments)"},
    {"href": "/district", "ko": "자치구 담당", "en": "District desk",
     "desc_ko": "우리 구 상담 현황 (자치구 담당자)",
     "desc_en": "Your district's consultations (district officers)"},
    {"href": "/report", "ko": "스마트 불편신고", "en": "Report a street problem",
     "desc_ko": "지도에 위치 표시, 사진과 함께 신고 (시민)",
     "desc_en": "Mark the place, add a photo, track it (citizens)"},
    {"href": "/district/complaints", "ko": "불편신고 처리", "en": "Field complaints desk",
     "desc_ko": "우리 구 불편신고 접수·처리 (자치구 담당자)",
     "desc_en": "Your district's field complaints (district officers)"},
    {"href": "/admin/users", "ko": "계정 관리", "en": "Staff accounts",
     "desc_ko": "계정 생성, 사용 중지, 역할 변경, 비밀번호 재설정 (시스템 관리자)",
     "desc_en": "Create, deactivate, change roles, reset passwords (administrators)"},
    {"href": "/docs", "ko": "API 문서", "en": "API docs",
     "desc_ko": "연계 시스템용 OpenAPI (관리자·연계)",
     "desc_en": "OpenAPI for integrations (admins, integrators)"},
)


# Where a role lands after logging in when no page was asked for (the front page otherwise).
ROLE_LANDING: dict[str, str] = {"district_officer": "/district"}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, db: Session = Depends(get_db), user: User | None = Depends(current_user)
) -> Response:
    kb_count = db.scalar(select(func.count(KbEntry.id))) or 0
    needs = db.scalar(select(func.count(KbEntry.id)).where(KbEntry.needs_answer.is_(True))) or 0
    consultations = db.scalar(select(func.count(Consultation.id))) or 0
    response = templates.TemplateResponse(
        request,
        "home.html",
        {"user": user, "roles": ROLE_LINKS, "kb_count": kb_count, "kb_needs_answer": needs,
         "consultation_count": consultations},
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", error: int = 0) -> Response:
    response = templates.TemplateResponse(
        request, "login.html",
        {"user": None, "next_url": next if next.startswith("/") else "/", "error": error,
         "demo": get_settings().demo},
    )
    return response


@router.post("/login")
def login_form(
    request: Request,
    username: str = Form(..., max_length=64),
    password: str = Form(..., max_length=256),
    next: str = Form("/"),
    db: Session = Depends(get_db),
) -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    try:
        user = login_attempt(db, username, password, client_ip(request))
    except LockedOut:
        return RedirectResponse(f"/login?error=2&next={quote(target)}", status_code=303)
    except AuthError:
        return RedirectResponse(f"/login?error=1&next={quote(target)}", status_code=303)
    if target == "/":
        target = ROLE_LANDING.get(user.role, "/")
    response = RedirectResponse(target, status_code=303)
    login_response(db, user, response)
    return response


@router.post("/logout")
async def logout(request: Request, db: Session = Depends(get_db)) -> Response:
    response = RedirectResponse("/", status_code=303)
    await logout_response(request, db, response)
    return response
