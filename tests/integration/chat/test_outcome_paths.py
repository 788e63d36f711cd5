"""Regression (ADR 0004): no contact without an agent reply is ever "answered".

Every way a chat can end is driven through the chat's own steps on a real database (SQLite
and PostgreSQL); afterwards both the Python test (`is_answered`) and the SQL the KPI tables
use (`ANSWERED_SQL`) must count exactly the chats an agent replied to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dasan.chat import hub, idle
from dasan.consultations import outcomes as oc
from dasan.db import floor_counters
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, KbEntry, Message
from dasan.presence import service as presence
from dasan.protection.screening import Screening


def agent(s: Session, no: str) -> Agent:
    a = s.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def queued_chat(s: Session, body: str = "여권 재발급은 어떻게 하나요?") -> int:
    cid = int(hub.open_chat(s).result["consultation_id"])
    hub.store_citizen_message(s, cid, body, None)
    hub.request_handoff(s, cid)
    return cid


def connected_chat(s: Session, a: Agent) -> int:
    """A chat connected to `a` (the only present agent)."""
    presence.socket_opened(s, a.id)
    cid = queued_chat(s)
    hub.run_assignment(s)
    c = s.get(Consultation, cid)
    assert c is not None
    s.refresh(c)
    assert c.agent_id == a.id
    return cid


def reply(s: Session, a: Agent, cid: int) -> None:
    hub.agent_message(s, a, cid, "안녕하세요, 다산콜센터입니다.", None)


def away(s: Session, a: Agent) -> None:
    presence.socket_closed(s, a.id)
    presence.sweep(s, utcnow() + timedelta(minutes=2))


def ghost_then_citizen_leaves(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    away(s, a1)  # the desktop closed; the chat goes back to the queue
    hub.citizen_leave(s, cid)
    return cid, False


def ghost_then_next_agent_then_citizen_leaves(s: Session) -> tuple[int, bool]:
    a1, a2 = agent(s, "A0001"), agent(s, "A0002")
    cid = connected_chat(s, a1)
    away(s, a1)
    presence.socket_opened(s, a2.id)
    hub.run_assignment(s)
    hub.citizen_leave(s, cid)  # 1.5 s after "connected": nobody had replied
    return cid, False


def citizen_leaves_right_after_connect(s: Session) -> tuple[int, bool]:
    cid = connected_chat(s, agent(s, "A0001"))
    hub.citizen_leave(s, cid)
    return cid, False


def transferred_then_left(s: Session) -> tuple[int, bool]:
    a1, a2 = agent(s, "A0001"), agent(s, "A0002")
    cid = connected_chat(s, a1)
    presence.socket_opened(s, a2.id)
    hub.transfer(s, a1, cid, a2.id, None)
    hub.citizen_leave(s, cid)
    return cid, False


def supervisor_force_close(s: Session) -> tuple[int, bool]:
    cid = connected_chat(s, agent(s, "A0001"))
    hub.close_chat(s, None, cid, None, None, supervisor=True)
    return cid, False


def agent_closes_without_reply(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    hub.close_chat(s, a1, cid, None, None)
    return cid, False


def abuse_policy_terminates(s: Session) -> tuple[int, bool]:
    cid = connected_chat(s, agent(s, "A0001"))
    for i in range(3):
        out = hub.store_citizen_message(s, cid, f"욕설 {i}", None)
        hub.process_citizen_message(s, cid, int(out.result["seq"]),
                                    Screening(category="profanity", severity=2))
    return cid, False


def left_the_queue_window_closed(s: Session) -> tuple[int, bool]:
    cid = queued_chat(s)
    idle.citizen_connected(s, cid)
    idle.citizen_disconnected(s, cid)
    idle.sweep_citizens(s, utcnow() + timedelta(minutes=5))
    return cid, False


def bot_resolved(s: Session) -> tuple[int, bool]:
    cid = int(hub.open_chat(s).result["consultation_id"])
    entry = s.scalar(select(KbEntry.id).order_by(KbEntry.id).limit(1))
    hub.feedback(s, cid, True, entry, None)  # "도움이 되었어요" on the bot's answer
    hub.citizen_leave(s, cid)
    return cid, False


def answered_then_idle_closed(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    reply(s, a1, cid)
    later = utcnow() + timedelta(hours=1)
    idle.sweep_citizens(s, later)  # "아직 계신가요?"
    idle.sweep_citizens(s, later + timedelta(hours=1))
    return cid, True


def answered_then_left(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    reply(s, a1, cid)
    hub.citizen_leave(s, cid)
    return cid, True


def snoozed_then_citizen_leaves(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    hub.snooze_chat(s, a1, cid, None)  # 보류 is not an answer
    hub.citizen_leave(s, cid)
    return cid, False


def snoozed_woke_then_agent_closes_without_reply(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    hub.snooze_chat(s, a1, cid, None, minutes=10)
    hub.sweep_snoozes(s, utcnow() + timedelta(minutes=11))
    hub.close_chat(s, a1, cid, None, None)
    return cid, False


def snoozed_agent_gone_then_citizen_leaves(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    hub.snooze_chat(s, a1, cid, None)
    presence.logout(s, a1.id)
    hub.store_citizen_message(s, cid, "아직 답이 없네요", None)  # back to the queue
    hub.citizen_leave(s, cid)
    return cid, False


def answered_snoozed_citizen_writes_then_left(s: Session) -> tuple[int, bool]:
    a1 = agent(s, "A0001")
    cid = connected_chat(s, a1)
    reply(s, a1, cid)
    hub.snooze_chat(s, a1, cid, None)
    hub.store_citizen_message(s, cid, "서류 준비했습니다", None)
    hub.citizen_leave(s, cid)
    return cid, True


PATHS: dict[str, tuple[Callable[[Session], tuple[int, bool]], str]] = {
    "snoozed, citizen leaves on hold": (snoozed_then_citizen_leaves, oc.ABANDONED_AFTER_OFFER),
    "snoozed, back by time, agent closes without a reply": (
        snoozed_woke_then_agent_closes_without_reply, oc.FORCED_TERMINATED),
    "snoozed, agent gone, back to the queue, citizen leaves": (
        snoozed_agent_gone_then_citizen_leaves, oc.ABANDONED_IN_QUEUE),
    "answered, snoozed, citizen writes, then left": (
        answered_snoozed_citizen_writes_then_left, oc.ANSWERED),
    "ghost agent, citizen leaves": (ghost_then_citizen_leaves, oc.ABANDONED_IN_QUEUE),
    "ghost agent, next agent, citizen leaves 1.5 s later": (
        ghost_then_next_agent_then_citizen_leaves, oc.ABANDONED_AFTER_OFFER),
    "citizen leaves right after connect": (citizen_leaves_right_after_connect,
                                           oc.ABANDONED_AFTER_OFFER),
    "transferred, nobody replied": (transferred_then_left, oc.ABANDONED_AFTER_OFFER),
    "supervisor force close": (supervisor_force_close, oc.FORCED_TERMINATED),
    "agent closes without a reply": (agent_closes_without_reply, oc.FORCED_TERMINATED),
    "abuse policy terminates": (abuse_policy_terminates, oc.FORCED_TERMINATED),
    "citizen closed the window while waiting": (left_the_queue_window_closed,
                                                oc.ABANDONED_IN_QUEUE),
    "bot resolved": (bot_resolved, oc.BOT_RESOLVED),
    "answered, then idle-closed": (answered_then_idle_closed, oc.IDLE_CLOSED),
    "answered, then the citizen left": (answered_then_left, oc.ANSWERED),
}


def check_floor_counters_on_commit(db: Session, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    commit = db.commit
    checked = [0]

    def commit_and_check() -> None:
        commit()
        assert floor_counters.read(db) == floor_counters.scan_counts(db)
        checked[0] += 1

    monkeypatch.setattr(db, "commit", commit_and_check)
    return checked


def _reset_agents(s: Session) -> None:
    for a in s.scalars(select(Agent)):
        a.state = "offline"
    s.commit()


def test_no_contact_without_an_agent_reply_is_answered(
        db: Session, kb: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    # On the way, the live floor's counters (ADR 0010) must equal the full scan after every
    # commit of every path, folded or not.
    checked = check_floor_counters_on_commit(db, monkeypatch)
    ended: dict[int, tuple[str, bool, str]] = {}
    for i, (name, (path, expected)) in enumerate(PATHS.items()):
        _reset_agents(db)
        cid, replied = path(db)
        ended[cid] = (name, replied, expected)
        if i % 3 == 1:
            floor_counters.fold(db)
            db.commit()
    assert checked[0] > 40
    assert floor_counters.read(db) == {}
    db.expire_all()
    for cid, (name, replied, expected) in ended.items():
        c = db.get(Consultation, cid)
        assert c is not None
        agent_wrote = db.scalar(select(Message.id).where(
            Message.consultation_id == cid, Message.sender == "agent").limit(1)) is not None
        assert agent_wrote is replied, name
        assert (c.status, c.outcome) == ("closed", expected), name
        assert oc.is_answered(c.answered_at, c.outcome) is replied, name
        assert (c.channel == "chatbot") is (expected == oc.BOT_RESOLVED), name
    ids = ", ".join(str(i) for i in ended)
    counted = set(db.scalars(text(
        f"SELECT c.id FROM consultations c WHERE c.id IN ({ids}) AND {oc.ANSWERED_SQL}")))
    assert counted == {cid for cid, (_n, replied, _e) in ended.items() if replied}
    _reset_agents(db)
