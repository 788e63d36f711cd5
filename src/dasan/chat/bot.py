"""The chatbot: answers from the knowledge base when confident, offers related entries when
unsure, and hands off to a live agent on request or after repeated misses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dasan.assist.recommend import Recommendation, search
from dasan.text.korean import tokens

ANSWER_CONFIDENCE = 0.45
RELATED_CONFIDENCE = 0.15
RELATED_SCORE_RATIO = 0.6
MAX_ANSWER_CHARS = 1500

GREETING_KO = ("안녕하세요, 서울시 120다산콜 챗봇입니다. 궁금한 점을 입력해 주세요. "
               "상담사 연결을 원하시면 '상담사 연결' 버튼을 누르거나 '상담사'라고 입력해 주세요.")
HELPFUL_KO = "도움이 되었나요?"
THANKS_KO = "도움이 되어 다행입니다. 더 궁금한 점이 있으면 입력해 주세요."
UNSURE_KO = "정확한 답변을 찾지 못했습니다. 혹시 아래 내용을 찾으시나요?"
MISS_KO = ("죄송합니다. 알맞은 답변을 찾지 못했습니다. 다르게 질문해 주시거나 상담사 연결을 "
           "눌러 주세요.")
NOT_HELPFUL_KO = "불편을 드려 죄송합니다. 아래 내용을 확인해 보시거나 상담사에게 연결해 드릴게요."
HANDOFF_KO = "상담사에게 연결합니다. 챗봇과 나눈 대화는 상담사에게 함께 전달됩니다."

_HANDOFF_RE = re.compile(
    r"상담\s*(?:사|원|직원)|사람\s*(?:이랑|과|하고|한테|와)?\s*(?:연결|통화|얘기|이야기|상담)|"
    r"직원\s*(?:연결|바꿔)|연결\s*해\s*(?:줘|주세요)|talk\s+to\s+(?:an?\s+)?(?:agent|human|person)|"
    r"\b(?:agent|human|operator)\b", re.IGNORECASE)


@dataclass(frozen=True)
class BotReply:
    kind: str  # answer | related | miss | handoff
    body: str
    flags: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False


def wants_agent(text: str) -> bool:
    return bool(_HANDOFF_RE.search(text))


def entry_flags(r: Recommendation) -> dict[str, Any]:
    return {"id": r.entry_id, "title": r.title, "owner": r.owner, "review_due": r.review_due,
            "category": r.category, "confidence": r.confidence}


def answer_reply(r: Recommendation, related: list[Recommendation] | None = None) -> BotReply:
    body = f"{r.title}\n\n{r.answer[:MAX_ANSWER_CHARS]}".strip()
    flags: dict[str, Any] = {"kind": "answer", "entry": entry_flags(r), "ask_feedback": True,
                             "feedback_prompt": HELPFUL_KO}
    if related:
        flags["related"] = [{"id": x.entry_id, "title": x.title} for x in related]
    return BotReply("answer", body, flags)


def respond(session: Session, text: str, previous_misses: int = 0) -> BotReply:
    """The bot's reply to one citizen message."""
    if wants_agent(text):
        return BotReply("handoff", HANDOFF_KO, {"kind": "handoff"}, handoff=True)
    # Only entries sharing a content word with the question count: the fused score ranks
    # well, but its calibration varies with the size of the knowledge base.
    words = set(tokens(text))
    hits = [h for h in search(session, text, k=4) if words & set(tokens(h.title))
            or words & set(tokens(h.answer[:200]))]
    top = hits[0] if hits else None
    # Confidence is calibrated for the top hit; the others are ranked by fused score.
    near = [h for h in hits[1:] if top is not None and h.score >= RELATED_SCORE_RATIO * top.score]
    if top is not None and top.confidence >= ANSWER_CONFIDENCE:
        return answer_reply(top, near[:2])
    if top is not None and top.confidence >= RELATED_CONFIDENCE:
        return BotReply("related", UNSURE_KO, {
            "kind": "related", "offer_handoff": True,
            "related": [{"id": h.entry_id, "title": h.title} for h in [top, *near][:3]]})
    if previous_misses >= 1:
        return BotReply("handoff", "답변을 찾지 못해 " + HANDOFF_KO, {"kind": "handoff"},
                        handoff=True)
    return BotReply("miss", MISS_KO, {"kind": "miss", "offer_handoff": True})
