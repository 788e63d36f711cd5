"""Desk tools without a database: canned-answer variables, who may handle a chat, and which
of the new events a citizen's socket may receive."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dasan import access
from dasan.chat import canned
from dasan.chat.events import for_citizen, validate


def test_variables_are_filled_and_unknown_braces_kept() -> None:
    values = {"citizen_name": "김시민", "agent_name": "이상담", "queue": "교통", "today": "x"}
    text = "{citizen_name}님, {queue} {agent_name}입니다 {phone} {Citizen_name}"
    assert canned.render(text, values) == "김시민님, 교통 이상담입니다 {phone} {Citizen_name}"
    assert canned.render("{queue}", {}) == "{queue}"


def test_a_chat_is_its_agents_and_every_floor_leads() -> None:
    chat: Any = SimpleNamespace(agent_id=7, id=1)
    agent: Any = SimpleNamespace(id=7)
    other: Any = SimpleNamespace(id=8)
    for role, who, allowed in (("agent", agent, True), ("agent", other, False),
                               ("agent", None, False), ("supervisor", None, True),
                               ("admin", None, True)):
        user: Any = SimpleNamespace(role=role)
        assert access.can_handle_chat(user, who, chat) is allowed, (role, who)


def test_staff_only_events_never_reach_a_citizen() -> None:
    note = {"type": "note", "consultation_id": 1, "note": {
        "id": 1, "kind": "whisper", "body": "귓속말", "mentions": [], "author": "김감독",
        "at": "2026-01-01T00:00:00Z"}}
    tags = {"type": "tags", "consultation_id": 1, "tags": ["환불"]}
    notice = {"type": "broadcast", "body": "공지", "author": "김감독", "at": "x"}
    for event in (note, tags, notice):
        validate(event)
        assert for_citizen(event) is None
