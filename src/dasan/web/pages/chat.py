"""Chat pages: the citizen chat (`/chat`), the agent desktop (`/agent`), the supervisor
view (`/supervisor`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dasan import access
from dasan.analytics.alerter import recent_alerts
from dasan.chat import canned, suggestions
from dasan.config import get_settings
from dasan.consultations.channels import CATEGORIES
from dasan.db.models import User
from dasan.errors import DomainError
from dasan.presence.states import BREAK_REASONS
from dasan.privacy import reveal
from dasan.web.citizen_language import CITIZEN_TEMPLATES, translate
from dasan.web.deps import current_user, get_db, require_page_roles
from dasan.web.error_text import ERROR_TEXT
from dasan.web.pages.voice import OUTCOME_LABELS as CALL_OUTCOME_LABELS
from dasan.web.templating import citizen_language, request_language, templates

router = APIRouter(include_in_schema=False)

# UI strings used by the page scripts: key -> (Korean, English).
STRINGS: dict[str, tuple[str, str]] = {
    "you": ("나", "You"),
    "bot": ("챗봇", "Chatbot"),
    "agent": ("상담사", "Agent"),
    "citizen": ("시민", "Citizen"),
    "system": ("안내", "Notice"),
    "sending": ("전송 중…", "Sending…"),
    "helpful": ("도움이 되었나요?", "Was this helpful?"),
    "yes": ("예", "Yes"),
    "no": ("아니요", "No"),
    "handoff": ("상담사 연결", "Talk to an agent"),
    "cancel_wait": ("대기 취소", "Cancel waiting"),
    "end_chat": ("상담 종료", "End chat"),
    "related": ("관련 안내", "Related answers"),
    "owner": ("담당", "Owner"),
    "review": ("검토일", "Reviewed by"),
    "as_of": ("{m} 기준", "as of {m}"),
    "more": ("더 보기 ({n}단계)", "More ({n} steps)"),
    "overdue": ("검토 기한 지남", "Review overdue"),
    "bot_phase": ("챗봇 상담 중", "Chatting with the bot"),
    "waiting": ("상담사 연결 대기 중", "Waiting for an agent"),
    "position": ("대기 순서 {n}번째", "Position {n} in queue"),
    "eta": ("예상 대기 약 {m}분", "Expected wait about {m} min"),
    "eta_now": ("곧 연결됩니다", "Connecting shortly"),
    "no_agents": ("지금은 이 문의를 받을 수 있는 상담사가 없습니다",
                  "No agent who can take this question is on duty now"),
    "live": ("{name} 상담사와 상담 중", "Chatting with agent {name}"),
    "closed": ("상담이 종료되었습니다", "This chat has ended"),
    "survey_thanks": ("소중한 의견 감사합니다.", "Thank you for your feedback."),
    "survey_done": ("이미 만족도 조사에 답하셨습니다.", "You have already answered the survey."),
    "typing_agent": ("상담사가 입력 중입니다…", "The agent is typing…"),
    "typing_citizen": ("시민이 입력 중입니다…", "The citizen is typing…"),
    "reconnecting": ("연결이 끊겼습니다. 다시 연결하는 중…", "Connection lost. Reconnecting…"),
    "connected": ("연결됨", "Connected"),
    "new_chat": ("새 상담", "New chat"),
    "insert": ("답변 넣기", "Insert answer"),
    "no_recs": ("추천 답변이 없습니다", "No recommendations"),
    "abuse": ("욕설·폭언 감지", "Abuse detected"),
    "warn_1": ("1차 경고 발송", "first warning sent"),
    "warn_2": ("2차 경고 발송", "second warning sent"),
    "terminated": ("상담 강제 종료", "chat force-terminated"),
    "crisis": ("위기 상담", "Crisis"),
    "break_offer": ("폭언 상담으로 힘드셨죠. {m}분 회복 휴식을 하시겠습니까?",
                    "That was a hard chat. Take a {m}-minute recovery break?"),
    "take_break": ("휴식 시작", "Take the break"),
    "keep_working": ("계속 상담", "Keep working"),
    "summary": ("상담 요약", "Summary"),
    "category": ("상담 분류", "Category"),
    "confirm_close": ("확인 후 종료", "Confirm and close"),
    "saved": ("저장되었습니다", "Saved"),
    "history": ("이전 상담 이력", "Earlier contacts"),
    "no_history": ("이전 상담 이력 없음", "No earlier contacts"),
    "unverified": ("미확인 번호 {phone}: 본인 확인 전에는 이전 상담 이력을 보여주지 않습니다",
                   "Unverified number {phone}: earlier contacts stay hidden until verified"),
    "chat_list": ("진행 중인 상담", "Open chats"),
    "select_chat": ("왼쪽에서 상담을 선택하세요", "Pick a chat on the left"),
    "queue": ("대기열", "Queue"),
    "transfer_done": ("이관되었습니다", "Transferred"),
    "error": ("오류", "Error"),
    "method_llm": ("LLM 요약", "LLM summary"),
    "method_extractive": ("자동 추출 요약", "Extractive summary"),
    "unread": ("새 메시지", "new messages"),
    "load": ("진행 {n} / 최대 {max}", "{n} of {max} chats"),
    "state_available": ("상담 가능", "Available"),
    "state_busy": ("상담 중", "Busy"),
    "state_after_call_work": ("후처리", "After-call work"),
    "state_break": ("휴식", "Break"),
    "state_away": ("자리 비움", "Away"),
    "state_offline": ("오프라인", "Offline"),
    "offer": ("상담 요청", "Incoming chat"),
    "seconds_left": ("{s}초 남음", "{s} s left"),
    "accept": ("수락", "Accept"),
    "decline": ("넘기기", "Pass"),
    "offer_missed": ("응답 시간이 지나 다음 상담사에게 넘어갔습니다",
                     "Missed: passed to the next agent"),
    "mode": ("배분 방식", "Routing"),
    "bot_sessions": ("챗봇 상담", "Chatbot sessions"),
    "sla_ok": ("정상", "OK"),
    "sla_warn": ("주의", "Warning"),
    "sla_alert": ("초과", "Over target"),
    "sla_thresholds": ("기준: 대기 {w1}초 주의 · {w2}초 초과(경보), "
                       "상담 경과 {h1}초 주의 · {h2}초 초과",
                       "Targets: wait {w1} s warning · {w2} s over (alarm); "
                       "chat {h1} s warning · {h2} s over"),
    "sla_alarm": ("{s}초 넘게 기다리는 상담이 {n}건 있습니다",
                  "{n} contacts have waited over {s} s"),
    "force_close": ("강제 종료", "Force close"),
    "force_close_confirm": ("#{id} 상담을 강제 종료할까요?", "Force close contact #{id}?"),
    "requeued": ("상담이 대기열로 돌아갔습니다", "The chat went back to the queue"),
    "ended_by_citizen": ("시민이 상담을 종료했습니다", "The citizen left"),
    "rate_limited": ("메시지를 너무 빠르게 보내고 있습니다. 잠시 후 다시 보내 주세요.",
                     "You are sending messages too fast. Please wait a moment and resend."),
    "not_sent": ("전송되지 않음", "Not sent"),
    "pending": ("상담이 잠시 보류되었습니다. 메시지를 남기시면 상담사에게 바로 전달됩니다.",
                "The chat is on hold. Write a message and it goes straight to the agent."),
    "snoozed": ("상담을 보류했습니다", "Chat put on hold"),
    "attach_too_large": ("파일이 너무 큽니다 (최대 10MB).",
                         "The file is too large (10 MB at most)."),
    "attach_bad": ("JPEG, PNG 사진이나 PDF 문서만 보낼 수 있습니다.",
                   "Only JPEG or PNG pictures and PDF documents can be sent."),
    "snooze_back_at": ("{time}에 돌아옴", "back at {time}"),
    "snooze_back_on_reply": ("시민이 답하면 돌아옴", "back when the citizen replies"),
    "snooze_wake": ("보류 해제", "Take back"),
    "translation": ("번역", "Translation"),
    "original": ("원문", "Original"),
    # agent desk tools
    "notes": ("메모", "Notes"),
    "whisper": ("책임자 귓속말", "Supervisor whisper"),
    "note_saved": ("메모를 남겼습니다", "Note saved"),
    "tags": ("태그", "Tags"),
    "delete": ("삭제", "Delete"),
    "edit": ("수정", "Edit"),
    "remove_tag": ("{tag} 태그 삭제", "Remove tag {tag}"),
    "broadcast": ("전체 공지", "Floor notice"),
    "no_canned": ("일치하는 상용구가 없습니다", "No matching canned answer"),
    "archive_none": ("검색 결과가 없습니다", "No closed chats found"),
    "download": ("대화 내용 내려받기", "Download transcript"),
    "taken_over": ("책임자가 상담을 이어받았습니다", "A supervisor took the chat over"),
    # supervisor floor
    "monitor": ("모니터", "Monitor"),
    "take_over": ("가로채기", "Take over"),
    "take_over_confirm": ("#{id} 상담을 직접 이어받을까요?", "Take over chat #{id}?"),
    "taken": ("상담사 데스크에서 이어서 답변하세요", "Continue on the agent desktop"),
    "answered": ("응대", "Answered"),
    "not_answered": ("미응대", "Not answered"),
    "whisper_sent": ("귓속말을 보냈습니다", "Whisper sent"),
    "broadcast_sent": ("공지를 보냈습니다", "Notice sent"),
    "issue_alert": ("새 이슈 알림: {topic} ({count}건)", "New issue alert: {topic} ({count})"),
    "mention": ("{author} 상담사가 책임자를 호출했습니다 (#{id})",
                "{author} called a supervisor (#{id})"),
    "ack": ("확인", "Acknowledge"),
    "needs_answer": ("답변 필요", "needs an answer"),
    "kind_program": ("사업", "Program"), "kind_category": ("분야", "Category"),
    "kind_keyword": ("키워드", "Keyword"),
    "lang_en": ("영어", "English"), "lang_ja": ("일본어", "Japanese"),
    "lang_zh": ("중국어", "Chinese"), "lang_vi": ("베트남어", "Vietnamese"),
    "lang_mn": ("몽골어", "Mongolian"),
    # sign-language video consultation (수어 상담)
    "sign": ("수어", "Sign language"),
    "sign_ready": ("카메라를 켜고 [영상 상담 시작]을 누르세요.",
                   "Turn on your camera and press Start video consultation."),
    "sign_camera": ("카메라를 켜는 중…", "Turning on the camera…"),
    "sign_no_camera": ("카메라를 사용할 수 없습니다. 브라우저의 카메라 권한을 허용해 주세요.",
                       "The camera is not available. Please allow camera access in your browser."),
    "sign_waiting": ("수어 상담사 연결 대기 중", "Waiting for a sign-language agent"),
    "sign_connecting": ("{name} 상담사와 영상 연결 중…", "Connecting video with agent {name}…"),
    "sign_live": ("{name} 상담사와 영상 상담 중", "In a video consultation with agent {name}"),
    "sign_media_lost": ("영상 연결이 끊겼습니다. 다시 연결하는 중…",
                        "The video connection dropped. Reconnecting…"),
    "sign_closed": ("영상 상담이 종료되었습니다", "The video consultation has ended"),
    "sign_call": ("수어 영상 상담", "Sign-language video"),
    "sign_call_connecting": ("영상 연결 중", "Connecting video"),
    "sign_call_live": ("영상 연결됨", "Video connected"),
    "sign_call_failed": ("영상 연결 실패: 네트워크(TURN 서버) 설정을 확인하세요",
                         "Video failed: check the network (TURN server) settings"),
}


def strings_for(request: Request, citizen: bool = False) -> dict[str, str]:
    """The page script's strings in the page's language (one of six on a citizen page)."""
    lang = citizen_language(request) if citizen else request_language(request)
    return {k: translate(ko, en, lang) for k, (ko, en) in STRINGS.items()}


def _page(request: Request, name: str, user: User | None, **ctx: object) -> Response:
    strings = strings_for(request, citizen=name in CITIZEN_TEMPLATES)
    return templates.TemplateResponse(request, name, {"user": user, "strings": strings, **ctx})


def _guard(request: Request, user: User | None, group: frozenset[str]) -> Response | None:
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if not access.has_role(user, group):
        return templates.TemplateResponse(
            request, "chat/forbidden.html", {"user": user}, status_code=403)
    return None


@router.get("/chat", response_class=HTMLResponse)
def citizen_chat_page(request: Request, user: User | None = Depends(current_user)) -> Response:
    return _page(request, "chat/citizen.html", user,
                 suggestions=suggestions.cached_popular_questions(get_settings().database_url))


@router.get("/sign", response_class=HTMLResponse)
def sign_language_page(request: Request, user: User | None = Depends(current_user)) -> Response:
    """The citizen's sign-language video consultation (수어 상담, ADR 0015)."""
    return _page(request, "chat/sign.html", user)


@router.get("/agent", response_class=HTMLResponse)
def agent_desktop_page(request: Request, user: User | None = Depends(current_user)) -> Response:
    denied = _guard(request, user, access.AGENTS)
    if denied is not None:
        return denied
    # 원문 보기 on the desk: an agent's own open chat (dasan.privacy.reveal.may_reveal, decided
    # again by the server on every reveal); a call's transcript and any chat only for the roles
    # that may reveal any consultation (a supervisor working the desk).
    return _page(request, "chat/agent.html", user, categories=CATEGORIES,
                 break_reasons=BREAK_REASONS, call_outcomes=CALL_OUTCOME_LABELS,
                 reveal_any=reveal.may_reveal_any(user))


@router.get("/supervisor", response_class=HTMLResponse)
def supervisor_page(
    request: Request, user: User | None = Depends(current_user), db: Session = Depends(get_db)
) -> Response:
    denied = _guard(request, user, access.SUPERVISORS)
    if denied is not None:
        return denied
    return _page(request, "chat/supervisor.html", user, alerts=recent_alerts(db, limit=10),
                 can_reveal=reveal.may_reveal_any(user))


# --- team canned answers (floor leads) ------------------------------------------------------

CANNED_PAGE = "/supervisor/canned"
# The room's refusal codes, as the page says them (never the room's English message).
CANNED_ERRORS: dict[str, tuple[str, str]] = {
    code: ERROR_TEXT[code] for code in (
        "canned_bad_code", "canned_bad_label", "canned_bad_text", "canned_bad_variable",
        "canned_no_team", "canned_not_team", "not_found", "forbidden")
}
CANNED_NOTICES: dict[str, tuple[str, str]] = {
    "created": ("팀 상용구를 추가했습니다.", "Team answer added."),
    "saved": ("팀 상용구를 저장했습니다.", "Team answer saved."),
    "deleted": ("팀 상용구를 삭제했습니다.", "Team answer deleted."),
}


def _canned_back(notice: str = "", error: str = "", team: int | None = None) -> Response:
    q = f"?notice={quote(notice)}" if notice else f"?error={quote(error)}"
    return RedirectResponse(CANNED_PAGE + q + (f"#team-{team}" if team else ""),
                            status_code=303)


@router.get(CANNED_PAGE, response_class=HTMLResponse)
def team_canned_page(request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.FLOOR_LEADS))
                     ) -> Response:
    notice = CANNED_NOTICES.get(request.query_params.get("notice", ""))
    error = request.query_params.get("error", "")
    return _page(request, "chat/canned.html", user, teams=canned.team_board(db),
                 variables=canned.VARIABLES, notice=notice,
                 error=CANNED_ERRORS.get(error, CANNED_ERRORS["forbidden"]) if error else None)


def _save_team_answer(db: Session, user: User, team_id: int | None, code: str, label: str,
                      text: str, row_id: int | None) -> Response:
    try:
        if row_id is not None and canned.team_of(db, row_id) is None:
            return _canned_back(error="canned_not_team")
        saved = canned.save(db, user, "team", code, label, text, team_id=team_id,
                            row_id=row_id)
    except DomainError as exc:
        db.rollback()
        return _canned_back(error=exc.code, team=team_id)
    db.commit()
    return _canned_back(notice="saved" if row_id else "created",
                        team=team_id or canned.team_of(db, int(saved["id"])))


@router.post(CANNED_PAGE)
def team_canned_create(db: Session = Depends(get_db),
                       user: User = Depends(require_page_roles(*access.FLOOR_LEADS)),
                       team_id: int = Form(0), code: str = Form(""), label: str = Form(""),
                       text: str = Form("")) -> Response:
    return _save_team_answer(db, user, team_id or None, code, label, text, None)


@router.post(CANNED_PAGE + "/{row_id}")
def team_canned_edit(row_id: int, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.FLOOR_LEADS)),
                     code: str = Form(""), label: str = Form(""), text: str = Form("")
                     ) -> Response:
    return _save_team_answer(db, user, None, code, label, text, row_id)


@router.post(CANNED_PAGE + "/{row_id}/delete")
def team_canned_delete(row_id: int, db: Session = Depends(get_db),
                       user: User = Depends(require_page_roles(*access.FLOOR_LEADS))
                       ) -> Response:
    try:
        team = canned.team_of(db, row_id)
        if team is None:
            return _canned_back(error="canned_not_team")
        canned.delete(db, user, row_id)
    except DomainError as exc:
        db.rollback()
        return _canned_back(error=exc.code)
    db.commit()
    return _canned_back(notice="deleted", team=team)
