from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.service import start_chat
from dasan.db.models import AbuseIncident, Agent
from dasan.protection import policy
from dasan.protection.screening import Screening, detect_language, screen
from dasan.text.record_clean import FORCED_TERMINATION_KO


def test_screening_flags_abuse_and_crisis_separately() -> None:
    abusive = screen("야 씨발 대답을 왜 이렇게 해")
    assert abusive.is_abusive and abusive.severity >= 1
    assert not screen("기후동행카드 환불하고 싶어요").is_abusive
    crisis = screen("요즘 너무 힘들어서 죽고 싶어요")
    assert crisis.crisis and not crisis.is_abusive


def test_language_guess() -> None:
    assert detect_language("기후동행카드 환불") == "ko"
    assert detect_language("How do I get a refund for my transit card?") == "en"


def test_warn_warn_terminate(db: Session) -> None:
    agent = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert agent is not None
    c = start_chat(db)
    c.agent_id = agent.id
    db.flush()
    bad = Screening("profanity", 2)
    assert policy.apply(db, c, Screening(), None) is None
    steps = [policy.apply(db, c, bad, None) for _ in range(3)]
    assert [s.action for s in steps if s] == ["warn_1", "warn_2", "terminated"]
    assert steps[0] and "1차 경고" in steps[0].notice_ko
    assert steps[2] and steps[2].terminate and steps[2].offer_break_minutes > 0
    assert c.status == "closed" and c.outcome == "forced_terminated"
    assert c.summary == FORCED_TERMINATION_KO  # the record says why it ended
    rows = list(db.scalars(select(AbuseIncident).where(AbuseIncident.consultation_id == c.id)))
    assert len(rows) == 3 and all(r.agent_id == agent.id for r in rows)
