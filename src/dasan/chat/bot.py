"""The chatbot: answers from the knowledge base when confident, offers related entries when
unsure, and hands off to a live agent on request or after repeated misses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dasan.assist.recommend import ANSWER_PREVIEW_CHARS, MAX_QUERY_CHARS, Recommendation
from dasan.knowledge import gaps
from dasan.knowledge.bot_answer import find_answer
from dasan.knowledge.live import IndexWarming

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
# The knowledge index is still being built (the server has just started) and the caller could
# not wait for it (live.IndexWarming): a miss that says so, offering a human.
WARMING_KO = ("지금은 답변 자료를 준비하고 있어 바로 답해 드리기 어렵습니다. 잠시 후 다시 질문해 "
              "주시거나 상담사 연결을 눌러 주세요.")
# Small talk (dasan.knowledge.smalltalk): a short reply and an offer to help with the city's
# services, never an answer from the knowledge base. The kind of small talk picks the line.
SMALLTALK_KO = {
    "greeting": "안녕하세요! 서울시 120다산콜 챗봇입니다. 서울시 생활·행정 서비스에 대해 궁금한 "
                "점을 입력해 주세요.",
    "thanks": "천만에요. 서울시 생활·행정 서비스에 대해 더 궁금한 점이 있으면 언제든 입력해 "
              "주세요.",
    "farewell": "이용해 주셔서 감사합니다. 서울시 서비스가 궁금하시면 언제든 다시 찾아 주세요.",
    "other": "저는 서울시 120다산콜 챗봇이라 그 이야기에는 답을 드리기 어려워요. 서울시 생활·행정 "
             "서비스(민원, 교통, 복지, 주거 등)에 대해 물어봐 주시면 도와드릴게요.",
}
_SMALLTALK_KINDS = (
    ("farewell", re.compile(r"수고|안녕히|잘\s*있|바이|다음에\s*(?:또|올)|bye", re.IGNORECASE)),
    ("thanks", re.compile(r"고마|감사|고맙|땡큐|thank", re.IGNORECASE)),
    ("greeting", re.compile(r"안녕|반가|하이|헬로|좋은\s*(?:아침|하루)|hello|\bhi\b",
                            re.IGNORECASE)),
)

_HANDOFF_RE = re.compile(
    r"상담\s*(?:사|원|직원)|사람\s*(?:이랑|과|하고|한테|와)?\s*(?:연결|통화|얘기|이야기|상담)|"
    r"직원\s*(?:연결|바꿔)|연결\s*해\s*(?:줘|주세요)|talk\s+to\s+(?:an?\s+)?(?:agent|human|person)|"
    r"\b(?:agent|human|operator)\b", re.IGNORECASE)


@dataclass(frozen=True)
class BotReply:
    kind: str  # answer | related | miss | handoff | smalltalk
    body: str
    flags: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False


def wants_agent(text: str) -> bool:
    return bool(_HANDOFF_RE.search(text))


def smalltalk_kind(text: str) -> str:
    """Which small-talk line answers ``text``: farewell, thanks, greeting or other."""
    return next((kind for kind, pattern in _SMALLTALK_KINDS if pattern.search(text)), "other")


def smalltalk_reply(text: str) -> BotReply:
    """The bot's reply to small talk: a line of :data:`SMALLTALK_KO`, no entry, no gap record
    (the knowledge base lacks nothing) and not a miss (the next miss does not hand off)."""
    kind = smalltalk_kind(text)
    return BotReply("smalltalk", SMALLTALK_KO[kind],
                    {"kind": "smalltalk", "smalltalk": kind, "offer_handoff": True})


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


def _recommendation(entry: Any, hit: Any, today: date) -> Recommendation:
    return Recommendation(
        entry_id=entry.id, title=entry.title,
        answer=(entry.answer or "")[:ANSWER_PREVIEW_CHARS], category=entry.category,
        program=entry.program, owner=entry.owner.name if entry.owner else None,
        review_due=entry.review_due.isoformat() if entry.review_due else None,
        overdue=bool(entry.review_due and entry.review_due < today),
        confidence=round(float(hit.confidence), 3), score=round(float(hit.score), 4))


def respond(session: Session, text: str, previous_misses: int = 0,
            consultation_id: int | None = None, masks: Mapping[str, str] | None = None,
            lexical_query: str | None = None, language: str | None = None) -> BotReply:
    """The bot's reply to one citizen message (the text chatbot's and the callbot's).

    It answers only with a standard entry (never a reference record: a case letter, a stale
    entry, a "call the department" answer) whose calibrated confidence clears the policy's
    threshold (:func:`dasan.knowledge.bot_answer.find_answer`, the decision
    ``bench/bench_answer.py`` measures); otherwise it offers related entries and a
    human, and the question becomes a gap record for the owning department. Without dense
    vectors (DASAN_EMBEDDER=none) the policy is the lexical index's own (`LEXICAL_POLICY`,
    ADR 0012): the same for every bot, decided there. `masks`: texts the caller has already
    masked, for the gap record (`gaps.record_gap`). `lexical_query`: the Korean terms of a
    foreign-language `text` (the written bot's cross-lingual search, `find_answer`), and
    `language` its language. Small talk (a Korean message the recogniser of
    :mod:`dasan.knowledge.smalltalk` flags) gets a :func:`smalltalk_reply`, never an entry.
    """
    if wants_agent(text):
        return BotReply("handoff", HANDOFF_KO, {"kind": "handoff"}, handoff=True)
    query = text.strip()[-MAX_QUERY_CHARS:]
    if not query:
        return BotReply("miss", MISS_KO, {"kind": "miss", "offer_handoff": True})
    today = date.today()
    try:
        result = find_answer(session, query, today, language=language,
                             lexical_query=lexical_query[-MAX_QUERY_CHARS:] if lexical_query
                             else None)
    except IndexWarming:  # no gap record: the knowledge base was never asked
        return BotReply("miss", WARMING_KO, {"kind": "miss", "offer_handoff": True,
                                             "reason": "index_warming"})
    decision, found = result.decision, result.found[:4]
    if decision.kind == "smalltalk":
        return smalltalk_reply(query)
    recs = [_recommendation(e, h, today) for e, h in found]
    top = recs[0] if recs else None
    near = [r for r in recs[1:] if top is not None and r.score >= RELATED_SCORE_RATIO * top.score]
    if top is not None and decision.kind == "answer":
        reply = answer_reply(top, near[:2])
        reply.flags["entry"]["confidence"] = round(decision.confidence, 3)
        as_of = found[0][0].updated_at.strftime("%Y-%m")
        reply.flags.update(display_flags(found[0][0].answer or "", as_of))
        return BotReply(reply.kind, f"{reply.body}\n\n({as_of} 기준)", reply.flags)
    return _no_answer(session, query, decision, recs, top, near, previous_misses,
                      consultation_id, masks)


_STEP_SPLIT = re.compile(r"\s*(?=[○▣■●※]|(?<!\d)\d{1,2}[.)]\s|[①-⑳])")
_LINK = re.compile(r"https?://[^\s)<>\]]+|www\.[^\s)<>\]]+")
_PHONE_NUMBER = re.compile(r"(?<![\d-])(?:0\d{1,2}-\d{3,4}-\d{4}|1\d{3}-\d{4}|120)(?![\d-])")
MAX_STEPS_SHOWN = 3


def display_flags(answer: str, as_of: str) -> dict[str, Any]:
    """How the chat shows an answer: its steps (the first few, then "more"), its links and
    phone numbers (to make clickable) and the month it was last reviewed ("2025-06 기준")."""
    steps = [p.strip() for p in _STEP_SPLIT.split(answer) if p and p.strip()]
    if len(steps) <= 1:
        steps = [s.strip() for s in re.split(r"(?<=[다요]\.)\s+", answer) if s.strip()]
    return {"as_of": as_of, "steps": steps[:20], "steps_shown": MAX_STEPS_SHOWN,
            "more": len(steps) > MAX_STEPS_SHOWN,
            "links": sorted(set(_LINK.findall(answer))),
            "phones": sorted(set(_PHONE_NUMBER.findall(answer)))}


def _no_answer(session: Session, query: str, decision: Any, recs: list[Recommendation],
               top: Recommendation | None, near: list[Recommendation], previous_misses: int,
               consultation_id: int | None, masks: Mapping[str, str] | None = None
               ) -> BotReply:
    gaps.record_gap(session, "miss", query, consultation_id=consultation_id, masks=masks,
                    nearest=[r.entry_id for r in recs[:3]],
                    detail={"confidence": round(decision.confidence, 3),
                            "reason": decision.reason})
    if top is not None and decision.kind == "related":
        return BotReply("related", UNSURE_KO, {
            "kind": "related", "offer_handoff": True, "reason": decision.reason,
            "related": [{"id": h.entry_id, "title": h.title} for h in [top, *near][:3]]})
    if previous_misses >= 1:
        return BotReply("handoff", "답변을 찾지 못해 " + HANDOFF_KO, {"kind": "handoff"},
                        handoff=True)
    return BotReply("miss", MISS_KO, {"kind": "miss", "offer_handoff": True})


def record_not_helpful(session: Session, consultation_id: int, question: str,
                       entry_id: int | None) -> None:
    """A citizen said "아니요" to an answer: the question is a gap for the entry's owner."""
    gaps.record_gap(session, "not_helpful", question, consultation_id=consultation_id,
                    entry_id=entry_id, nearest=[entry_id] if entry_id else None)


def record_handoff(session: Session, consultation_id: int, reason: str) -> None:
    """A chat goes to an agent right after a bot answer: the answer did not settle it."""
    from sqlalchemy import select

    from dasan.db.models import Message

    rows = list(session.execute(
        select(Message.sender, Message.body, Message.flags)
        .where(Message.consultation_id == consultation_id)
        .order_by(Message.seq.desc()).limit(12)))
    last_bot = next(((f or {}) for snd, _b, f in rows if snd == "bot"
                     and (f or {}).get("kind") not in ("handoff", "waiting")), {})
    if last_bot.get("kind") != "answer":
        return
    question = next((b for snd, b, f in rows if snd == "citizen"
                     and not (f or {}).get("feedback") and not (f or {}).get("selected")), "")
    entry_id = (last_bot.get("entry") or {}).get("id")
    gaps.record_gap(session, "handoff", str(question), consultation_id=consultation_id,
                    entry_id=entry_id, nearest=[entry_id] if entry_id else None,
                    detail={"reason": reason})
