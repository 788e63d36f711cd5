"""Citizens who went quiet or went away.

* A live chat whose citizen has been silent since the agent's last message gets
  "아직 계신가요?" after `DASAN_CHAT_IDLE_PROMPT_SECONDS`; still nothing after
  `DASAN_CHAT_IDLE_CLOSE_SECONDS` more and it closes with outcome `idle_closed`.
  (Not a sign-language video consultation: its citizen signs on camera, not in text.)
* A waiting citizen whose chat window has been closed for `DASAN_CHAT_CITIZEN_GONE_SECONDS`
  (every socket, on every worker) left: the chat leaves the queue with `abandoned_in_queue`
  and is never offered to an agent. That grace is for a plain drop (network, reload).
* A waiting citizen whose chat page said it is closing (the page's `pagehide` beacon,
  `citizen_page_closed`) leaves after `DASAN_CHAT_CITIZEN_RELOAD_SECONDS` (3 s) unless a socket
  opens again meanwhile: a browser sends the same beacon on a reload, and a reloaded page is
  back within that window. 0 removes the citizen at the beacon.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dasan.chat.hub import Outcome, end_contact, system_message, withdraw_offers
from dasan.chat.service import get_consultation
from dasan.config import get_settings
from dasan.consultations.channels import SIGN_LANGUAGE
from dasan.db.base import utcnow
from dasan.db.models import Consultation, Message, Queue
from dasan.db.models_presence import CitizenPresence
from dasan.routing import router

IDLE_PROMPT_KO = ("아직 계신가요? 더 문의하실 내용이 있으면 말씀해 주세요. "
                  "응답이 없으면 상담이 자동 종료됩니다.")
IDLE_CLOSED_KO = "응답이 없어 상담을 종료합니다. 다시 문의하시려면 새 상담을 시작해 주세요."
GONE_KO = "시민이 대기 중 상담 창을 닫아 대기열에서 제외되었습니다."


def citizen_connected(s: Session, cid: int, now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    row = s.get(CitizenPresence, cid)
    if row is None:
        s.add(CitizenPresence(consultation_id=cid, sockets=1, last_seen_at=now))
    else:
        s.execute(update(CitizenPresence).where(CitizenPresence.consultation_id == cid)
                  .values(sockets=CitizenPresence.sockets + 1, last_seen_at=now,
                          disconnected_at=None, page_closed_at=None)
                  .execution_options(synchronize_session=False))
    s.commit()
    return Outcome()


def citizen_socket_opened(s: Session, cid: int, after_seq: int) -> Outcome:
    """A citizen's socket after its auth frame: recorded as connected, and what it needs first
    (the status bar's view and the messages after `after_seq`) in the same session, so a
    reconnect storm costs one database turn per socket, not three."""
    from dasan.chat import desk

    # Read first, then record the socket and commit: the reads share one snapshot and one
    # identity map (a commit in between would expire and reload every row), and SQLite's
    # write lock is held only for the short write.
    # The chat and its queue stay referenced here: the session's identity map holds rows
    # only while something does, and the status and the backlog read them several times.
    chat = get_consultation(s, cid)
    queue = s.get(Queue, chat.queue_id) if chat.queue_id is not None else None
    out = Outcome()
    out.result = {"consultation": desk.citizen_status(s, cid),
                  "backlog": desk.citizen_messages(s, cid, after_seq)}
    del chat, queue
    citizen_connected(s, cid)
    return out


def citizen_page_closed(s: Session, cid: int, now: datetime | None = None) -> Outcome:
    """The citizen's chat page is going away (its `pagehide` beacon; the caller checked the
    chat token). A waiting chat leaves the queue once the reload window has passed with no
    socket open again (`sweep_citizens`), or here at once when the window is 0. Anything
    else (a bot-phase chat, a live chat with its agent, an ended chat) is left alone: the
    idle rules handle those."""
    now = now or utcnow()
    out = Outcome()
    c = _waiting(s, cid)
    if c is None:
        out.result = {"removed": False}
        return out
    if get_settings().chat_citizen_reload_seconds <= 0:
        _close(s, out, c, "citizen_left", GONE_KO, "left")
        out.result = {"removed": True}
        return out
    row = s.get(CitizenPresence, cid)
    if row is None:
        s.add(CitizenPresence(consultation_id=cid, sockets=0, last_seen_at=now,
                              disconnected_at=now, page_closed_at=now))
    else:
        row.page_closed_at = now
    s.commit()
    out.result = {"removed": False}
    return out


def _waiting(s: Session, cid: int) -> Consultation | None:
    """The chat when it waits in a queue with no agent yet (a live chat, not a thread)."""
    return s.scalar(select(Consultation).where(
        Consultation.id == cid, Consultation.status == "open",
        Consultation.agent_id.is_(None), Consultation.queue_id.is_not(None),
        router.live_chat()))


def citizen_disconnected(s: Session, cid: int, now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    s.execute(update(CitizenPresence).where(CitizenPresence.consultation_id == cid,
                                            CitizenPresence.sockets > 0)
              .values(sockets=CitizenPresence.sockets - 1)
              .execution_options(synchronize_session=False))
    s.execute(update(CitizenPresence).where(CitizenPresence.consultation_id == cid,
                                            CitizenPresence.sockets <= 0)
              .values(disconnected_at=now).execution_options(synchronize_session=False))
    s.commit()
    return Outcome()


def _close(s: Session, out: Outcome, c: Consultation, how: str, notice: str, kind: str) -> None:
    system_message(s, out, c.id, notice, {"kind": kind})
    withdraw_offers(s, out, c.id)
    agent_id = c.agent_id
    end_contact(c, how)
    s.commit()
    out.state(s, c)
    if agent_id is not None:
        router.refresh_busy(s, agent_id)
        s.commit()
        out.to_agent(agent_id, {"type": "closed", "consultation_id": c.id, "by": kind})
        out.assign = True


def sweep_citizens(s: Session, now: datetime | None = None) -> Outcome:
    """Remove waiting citizens who left; prompt, then close, silent live chats."""
    now = now or utcnow()
    st = get_settings()
    out = Outcome()
    gone_before = now - timedelta(seconds=st.chat_citizen_gone_seconds)
    closed_before = now - timedelta(seconds=st.chat_citizen_reload_seconds)
    for c in s.scalars(select(Consultation).join(
            CitizenPresence, CitizenPresence.consultation_id == Consultation.id).where(
            CitizenPresence.sockets <= 0,
            (CitizenPresence.disconnected_at <= gone_before)
            | (CitizenPresence.page_closed_at <= closed_before),
            Consultation.status == "open", Consultation.agent_id.is_(None),
            Consultation.queue_id.is_not(None), router.live_chat())
            .order_by(Consultation.id).limit(500)):
        _close(s, out, c, "citizen_left", GONE_KO, "left")
    last = (select(Message.consultation_id, func.max(Message.seq).label("seq"))
            .join(Consultation, Consultation.id == Message.consultation_id)
            .where(Consultation.status == "open", Consultation.agent_id.is_not(None),
                   Consultation.answered_at.is_not(None),
                   # A video consultation is silent in text while the citizen signs.
                   router.live_chat(),
                   Consultation.channel != SIGN_LANGUAGE)
            .group_by(Message.consultation_id).subquery())
    rows = s.execute(select(Message.consultation_id, Message.sender, Message.flags,
                            Message.created_at)
                     .join(last, (last.c.consultation_id == Message.consultation_id)
                           & (last.c.seq == Message.seq))).all()
    prompt_after = timedelta(seconds=st.chat_idle_prompt_seconds)
    close_after = timedelta(seconds=st.chat_idle_close_seconds)
    for cid, sender, flags, at in rows:
        if sender == "citizen" or at is None:
            continue
        kind = (flags or {}).get("kind")
        live = s.get(Consultation, cid)
        if live is None or live.status != "open":
            continue
        if kind == "idle_prompt":
            if now - at >= close_after:
                _close(s, out, live, "idle", IDLE_CLOSED_KO, "idle_closed")
        elif now - at >= prompt_after:
            system_message(s, out, cid, IDLE_PROMPT_KO, {"kind": "idle_prompt"})
    if out.events:
        out.assign = True
    return out
