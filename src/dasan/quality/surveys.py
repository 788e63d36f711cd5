"""Citizen satisfaction survey after chat, call (ARS keys 1-5), SMS and field report.

One answer per consultation; a second answer is refused (409) and changes nothing. The answer
joins the consultation, and QA sampling (low satisfaction), the scorecards and the KPI use it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Consultation
from dasan.db.models_quality import SurveyAnswer
from dasan.errors import Conflict, Invalid, NotFound
from dasan.quality.sampling import agent_month, query
from dasan.text.pii import mask

SURVEY_CHANNELS = ("chat", "call", "sms", "field_report")


def parse_score(raw: Any) -> int:
    """1-5 from a number or an ARS key press ('1'..'5')."""
    text = str(raw).strip()
    if text not in {"1", "2", "3", "4", "5"}:
        raise Invalid(f"score must be 1-5 (an ARS key), not {raw!r}", code="bad_score")
    return int(text)


def answered(s: Session, consultation_id: int) -> bool:
    """Whether the consultation's survey has its (one) answer."""
    return s.scalar(select(SurveyAnswer.id).where(
        SurveyAnswer.consultation_id == consultation_id)) is not None


def answer(s: Session, consultation_id: int, channel: str, raw_score: Any,
           comment: str | None = None) -> SurveyAnswer:
    """Record the answer (caller commits)."""
    if channel not in SURVEY_CHANNELS:
        raise Invalid(f"channel must be one of {SURVEY_CHANNELS}")
    value = parse_score(raw_score)
    if s.get(Consultation, consultation_id) is None:
        raise NotFound(f"consultation {consultation_id} not found")
    if answered(s, consultation_id):
        raise Conflict("this survey was answered already", code="survey_answered")
    row = SurveyAnswer(consultation_id=consultation_id, channel=channel, score=value,
                       comment_masked=mask(comment).masked[:500] if comment else None)
    s.add(row)
    s.flush()
    return row


def answer_chat(s: Session, consultation_id: int, raw_score: Any,
                comment: str | None = None) -> SurveyAnswer:
    """The citizen's answer on the chat page: offered once the chat has ended (caller commits)."""
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    if c.status != "closed":
        raise Conflict("the survey opens when the chat has ended", code="chat_not_ended")
    return answer(s, consultation_id, "chat", raw_score, comment)


# --- the ARS survey after a call -------------------------------------------------------------

ARS_PROMPT_KEY = "survey"
ARS_PROMPT_KO = ("상담이 종료되었습니다. 이번 상담에 만족하셨다면 5번, 보통이면 3번, "
                 "불만족이면 1번을 눌러 주세요. 1번부터 5번까지 누르실 수 있습니다.")
ARS_THANKS_KEY = "survey_thanks"
ARS_THANKS_KO = "소중한 의견 감사합니다."


class KeypadIO(Protocol):
    """What the survey needs of a call: play a prompt, read one key (None: nothing pressed)."""

    async def play(self, key: str, text: str) -> None: ...

    async def digit(self, timeout: float) -> str | None: ...


async def ars_survey(io: KeypadIO, record: Callable[[int], Awaitable[object]],
                     timeout: float = 5.0, tries: int = 2) -> int | None:
    """After the agent hangs up: ask for 1-5 on the keypad and record it with `record(score)`
    (which calls `answer(..., "call", key)` in a session). Another key asks again; silence or
    a second wrong key leaves without an answer. The score, or None."""
    for _ in range(tries):
        await io.play(ARS_PROMPT_KEY, ARS_PROMPT_KO)
        key = await io.digit(timeout)
        if key is None:
            return None
        if key in {"1", "2", "3", "4", "5"}:
            await record(int(key))
            await io.play(ARS_THANKS_KEY, ARS_THANKS_KO)
            return int(key)
    return None


def kpi(s: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Satisfaction KPI over consultations started in [start, end): answers, response rate,
    mean score, CSAT (share of 4-5) per channel and overall."""
    # Answered consultations from `ix_consultations_agent_month`: agent by agent, plus those
    # without an agent (the same index, its NULL range). The answers drive their own join.
    am = agent_month(s)
    consults = sum(int(n or 0) for n, in (
        *query(s, f"SELECT COUNT(*) FROM {am.frm} WHERE {am.answered}", start, end),
        *query(s, "SELECT COUNT(*) FROM consultations c WHERE c.agent_id IS NULL "
                  "AND c.started_at >= ? AND c.started_at < ? AND c.answered_at IS NOT NULL",
               start, end)))
    rows = query(s, "SELECT v.channel, COUNT(*), AVG(v.score), "
                    "SUM(CASE WHEN v.score >= 4 THEN 1 ELSE 0 END) "
                    "FROM survey_answers v CROSS JOIN consultations c "
                    "WHERE c.id = v.consultation_id AND c.started_at >= ? AND c.started_at < ? "
                    "GROUP BY v.channel", start, end)
    per = {ch: {"answers": int(n), "mean": round(float(avg), 3), "csat": round(int(good) / n, 4)}
           for ch, n, avg, good in rows if n}
    n_all = sum(v["answers"] for v in per.values())
    mean = (sum(v["mean"] * v["answers"] for v in per.values()) / n_all) if n_all else None
    good_all = sum(v["csat"] * v["answers"] for v in per.values())
    return {"answered_consultations": consults, "survey_answers": n_all,
            "response_rate": round(n_all / consults, 4) if consults else None,
            "mean_score": round(mean, 3) if mean is not None else None,
            "csat": round(good_all / n_all, 4) if n_all else None, "per_channel": per}
