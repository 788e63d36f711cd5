"""The visible-ARS room: start a session (link by SMS through the outbox), open the page, and
take the page's choices. Every write is here; the web layer only translates frames, and the
gateway carries out the command a choice returns (`steer.apply`).

The caller's number is personal data: it is sealed in the vault (kind `visible_ars.phone`) and
opened only to send this session's SMS or book its callback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.auth import phone_hash
from dasan.channels.outbound import enqueue_sms, opted_out
from dasan.channels.sms.encoding import segment
from dasan.config import get_settings, signing_key
from dasan.db.base import utcnow
from dasan.db.models_smartvoice import VisibleArsSession
from dasan.db.models_voice import CallbackRequest, VoiceCall
from dasan.errors import Conflict, DomainError, Invalid, NotFound
from dasan.privacy.vault import open_one, seal
from dasan.voice.flows import store
from dasan.voice.flows.engine import WEB_INPUT
from dasan.voice.settings import get_voice_settings
from dasan.voice.visible_ars import links, menu

PHONE_KIND = "visible_ars.phone"
MOBILE = re.compile(r"01[016789]\d{7,8}")
ACTIONS = ("go", "say", "agent", "sms", "callback")
Action = Literal["go", "say", "agent", "sms", "callback"]
CallState = Literal["ars", "queue", "talk", "ended"]


class LinkUsed(DomainError):
    status = 410
    code = "link_used"


def is_mobile(digits: str) -> bool:
    return bool(MOBILE.fullmatch(digits or ""))


def ttl_seconds() -> float:
    return get_voice_settings().visible_ars_ttl


def link_sms(link: str) -> str:
    return f"[120다산콜] 보이는 ARS: 화면에서 메뉴를 고르세요 (Visible ARS) {link}"


def start(session: Session, call_id: int, phone_digits: str) -> str | None:
    """Open a session for a call and queue the SMS with its link; None when no SMS can go
    (not a mobile number, or the number opted out of SMS)."""
    digits = "".join(ch for ch in phone_digits if ch.isdigit())
    if not is_mobile(digits) or opted_out(session, phone_hash(digits, signing_key())):
        return None
    call = session.get(VoiceCall, call_id)
    if call is None:
        raise NotFound("call not found")
    nonce = links.new_nonce()
    row = VisibleArsSession(call_id=call.id, consultation_id=call.consultation_id, nonce=nonce,
                            state="sent", created_at=utcnow(), choices=[],
                            expires_at=utcnow() + timedelta(seconds=ttl_seconds()))
    session.add(row)
    session.flush()
    seal(session, PHONE_KIND, row.id, digits)
    link = f"{get_settings().public_base_url.rstrip('/')}/ars/v/{links.link_token(row.id, nonce)}"
    enqueue_sms(session, digits, segment(link_sms(link)), f"visible_ars:{row.id}")
    session.commit()
    return link


@dataclass
class Page:
    session_id: int
    call_state: CallState
    tree: menu.Item | None
    choices: list[dict[str, Any]]
    new_cookie: str | None = None
    answers_pending: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"call_state": self.call_state, "choices": self.choices,
                "menu": self.tree.to_dict() if self.tree else None,
                "answers_pending": self.answers_pending}


def call_state(call: VoiceCall) -> CallState:
    if call.ended_at is not None:
        return "ended"
    if call.answered_at is not None:
        return "talk"
    if call.queued_at is not None:
        return "queue"
    return "ars"


def _session_for(session: Session, token: str, cookie: str | None, *, opening: bool
                 ) -> tuple[VisibleArsSession, str | None]:
    ttl = ttl_seconds()
    claim = links.read_link(token, ttl)
    row = session.get(VisibleArsSession, claim.session_id)
    if row is None or row.nonce != claim.nonce:
        raise NotFound("링크를 찾을 수 없습니다 (unknown link)")
    if utcnow() >= row.expires_at:
        raise links.LinkExpired("이 링크는 만료되었습니다 (this link has expired)")
    page = links.read_page_cookie(cookie, ttl)
    if row.opened_at is None and opening:
        row.opened_at, row.state, row.page_nonce = utcnow(), "opened", links.new_nonce()
        return row, links.page_cookie(row.id, row.page_nonce)
    if page is None or page.session_id != row.id or page.nonce != row.page_nonce:
        raise LinkUsed("이 링크는 이미 사용되었습니다 (this link was already used)")
    return row, None


def open_page(session: Session, token: str, cookie: str | None) -> Page:
    """The page for a link: the first open claims it (and gets the page cookie). The menu
    never waits for a cold knowledge index: the answers then come from `page_answers`."""
    row, new_cookie = _session_for(session, token, cookie, opening=True)
    call = session.get(VoiceCall, row.call_id)
    assert call is not None
    flow, _version = store.live(session)
    state = call_state(call)
    if state == "ended" and row.state != "ended":
        row.state, row.ended_at = "ended", call.ended_at
    session.commit()
    ready = menu.answers_ready()
    tree = menu.build(flow, session if ready else None)
    return Page(row.id, state, tree, list(row.choices), new_cookie,
                answers_pending=not ready and tree is not None)


@dataclass
class Choice:
    call_state: CallState
    command: dict[str, Any] | None
    message_ko: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return {"call_state": self.call_state, "steered": self.command is not None,
                "message_ko": self.message_ko, "message_en": self.message_en}


def choose(session: Session, token: str, cookie: str | None, action: str, node: str | None
           ) -> Choice:
    """Take a choice from the page. Returns the gateway command that steers the call (None
    when the call is over or the choice needs no call change). Refused choices change nothing."""
    if action not in ACTIONS:
        raise Invalid(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    row, _ = _session_for(session, token, cookie, opening=False)
    call = session.get(VoiceCall, row.call_id)
    assert call is not None
    flow, _version = store.live(session)
    tree = menu.build(flow, session if action in ("say", "sms") else None)
    if tree is None:
        raise Conflict("이 ARS에는 메뉴가 없습니다 (the ARS has no menu)")
    item = menu.find(tree, node) if node else None
    if node and item is None:
        raise Invalid(f"unknown menu item {node!r}")
    if action in ("go", "say", "sms") and item is None:
        raise Invalid(f"{action} needs a menu item")
    state = call_state(call)
    if state == "talk" and action != "sms":
        raise Conflict("상담사와 통화 중입니다 (you are already talking to an agent)")
    if state == "ended" and action in ("go", "say", "agent"):
        raise Conflict("통화가 끝났습니다 (the call has ended)")
    command: dict[str, Any] | None = None
    text_ko, text_en = "", ""
    if action == "go":
        assert item is not None
        if state == "queue" and item.kind != "queue":
            raise Conflict("대기 중에는 상담 분야만 바꿀 수 있습니다 (only a queue while waiting)")
        command = _command(call, f"go:{item.node}")
        text_ko, text_en = f"{item.label_ko} 메뉴로 이동합니다.", f"Moving to {item.label_en}."
    elif action == "agent":
        target = item.node if item is not None and item.kind == "queue" else \
            menu.agent_node(flow, tree)
        if state == "queue" and item is None:
            return _record(session, row, call, action, None, None, "이미 상담사 연결을 기다리고 "
                           "있습니다.", "You are already waiting for an agent.")
        command = _command(call, f"go:{target}")
        text_ko, text_en = "상담사에게 연결합니다.", "Connecting you to an agent."
    elif action == "say":
        assert item is not None
        if item.answer is None:
            raise Conflict("이 메뉴에는 안내 답변이 없습니다 (no answer for this item)")
        if state != "ars":
            raise Conflict("대기 중에는 화면으로만 안내합니다 (the answer is on the screen)")
        command = _command(call, f"say:{item.node}", text=menu.spoken(item.answer))
        text_ko, text_en = "전화로 답변을 들려 드립니다.", "You will hear the answer on the call."
    elif action == "sms":
        assert item is not None
        if item.answer is None:
            raise Conflict("이 메뉴에는 보낼 답변이 없습니다 (no answer for this item)")
        _send_answer(session, row, item)
        if state in ("ars", "queue"):
            command = _command(call, "end:answer_sms")
        text_ko, text_en = "답변을 문자로 보내 드렸습니다.", "The answer was sent by SMS."
    elif action == "callback":
        queue = (item.queue if item is not None else None) or call.queue_code or "general"
        _book_callback(session, row, call, queue)
        if state in ("ars", "queue"):
            command = _command(call, "end:callback")
        text_ko, text_en = ("콜백이 예약되었습니다. 상담사가 전화드리겠습니다.",
                            "Callback booked: an agent will call you.")
    return _record(session, row, call, action, node, command, text_ko, text_en)


def _command(call: VoiceCall, step: str, text: str | None = None) -> dict[str, Any]:
    return {"action": "visible_ars", "consultation_id": call.consultation_id,
            "input": WEB_INPUT + step, "text": text}


def _record(session: Session, row: VisibleArsSession, call: VoiceCall, action: str,
            node: str | None, command: dict[str, Any] | None, ko: str, en: str) -> Choice:
    step = f"web:{action}" + (f":{node}" if node else "")
    row.choices = [*row.choices, {"action": action, "node": node, "at": utcnow().isoformat()}]
    if call.ars_exit_at is not None:  # past the ARS the engine no longer writes the path
        call.ars_path = [*call.ars_path, step]
    session.commit()
    return Choice(call_state(call), command, ko, en)


def _phone(session: Session, row: VisibleArsSession) -> str:
    phone = open_one(session, PHONE_KIND, row.id)
    if not phone:
        raise Conflict("연락처가 없습니다 (no number on record)")
    return phone


def _send_answer(session: Session, row: VisibleArsSession, item: menu.Item) -> None:
    assert item.answer is not None
    body = f"[120다산콜] {item.answer.title}\n{item.answer.text}"
    enqueue_sms(session, _phone(session, row), segment(body),
                f"visible_ars:{row.id}:answer:{item.node}")


def _book_callback(session: Session, row: VisibleArsSession, call: VoiceCall, queue: str
                   ) -> None:
    exists = session.scalar(select(CallbackRequest.id).where(CallbackRequest.call_id == call.id))
    if exists is None:
        session.add(CallbackRequest(call_id=call.id, queue_code=queue[:32],
                                    contact_uri=f"tel:{_phone(session, row)}"))


def page_answers(session: Session, token: str, cookie: str | None) -> dict[str, Any]:
    """The KB answers of an open page's leaves, by node, once the knowledge index is warm
    (`ready` false until then: the page asks again)."""
    _session_for(session, token, cookie, opening=False)
    if not menu.answers_ready():
        return {"ready": False, "answers": {}}
    flow, _version = store.live(session)
    tree = menu.build(flow, session)
    answers = {i.node: i.answer.__dict__ for i in tree.walk() if i.answer} if tree else {}
    return {"ready": True, "answers": answers}


def page_state(session: Session, token: str, cookie: str | None) -> dict[str, Any]:
    """What the open page polls: the call's state and the choices so far."""
    row, _ = _session_for(session, token, cookie, opening=False)
    call = session.get(VoiceCall, row.call_id)
    assert call is not None
    return {"call_state": call_state(call), "choices": list(row.choices)}
