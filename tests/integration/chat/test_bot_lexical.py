"""The text chatbot without the dense embedder (DASAN_EMBEDDER=none): it answers from the
lexical index with the lexical policy of ADR 0012 — the one `chat.bot.respond` picks for the
callbot too — and still refuses chit-chat, other cities and questions it cannot cover."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chat_helpers import bot_reply
from sqlalchemy.orm import Session

from dasan.callbot import brain
from dasan.chat import hub
from dasan.db.models import Message
from dasan.knowledge import answering, bot_answer
from dasan.knowledge.live import get_live_index

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def lexical(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def ask(db: Session, question: str) -> Message:
    """A citizen's question through the chat's own steps; the bot's reply as stored."""
    cid = int(hub.open_chat(db).result["consultation_id"])
    reply = bot_reply(db, cid, question)
    hub.citizen_leave(db, cid)
    return reply


def test_the_chatbot_answers_on_the_lexical_index(db: Session, kb: dict[str, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert not get_live_index().sync(db).has_dense  # really without dense vectors
    used: list[answering.AnswerPolicy] = []
    real_decide = bot_answer.decide

    def spy(hits, query, policy=answering.DEFAULT_POLICY, *rest, **kw):  # type: ignore[no-untyped-def]
        used.append(policy)
        return real_decide(hits, query, policy, *rest, **kw)

    monkeypatch.setattr(bot_answer, "decide", spy)
    answer = ask(db, "따릉이 빌리는 데 얼마예요?")
    assert answer.flags["kind"] == "answer", answer.body
    assert answer.flags["entry"]["id"] == kb["따릉이 대여 요금"]
    assert answer.body.startswith("따릉이 대여 요금")
    assert used == [answering.LEXICAL_POLICY]
    # The callbot decides the same question on the same path, with the same entry.
    turn = brain.decide(db, "따릉이 빌리는 데 얼마예요")
    assert (turn.kind, turn.entry_id) == ("answer", kb["따릉이 대여 요금"])
    assert used[-1] is answering.LEXICAL_POLICY

    # Chit-chat, another city's question: no answer, the citizen is offered related entries,
    # a rephrase or a person instead.
    for question in ("오늘 기분이 어때요", "부산 동백전 충전은 어떻게 해요"):
        reply = ask(db, question)
        assert reply.flags["kind"] != "answer", question
        assert reply.flags.get("offer_handoff"), question
