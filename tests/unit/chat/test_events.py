"""Typed chat events: every type has a class, and a citizen gets only what is theirs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dasan.chat import events


def test_citizens_get_no_internal_events_and_no_internal_fields() -> None:
    state = {"type": "state", "consultation": {"id": 7, "phase": "live", "citizen_id": 3,
                                               "priority": 10, "summary": "내부 메모",
                                               "agent_id": 2, "agent_name": "이상담"}}
    seen = events.for_citizen(state)
    assert seen == {"type": "state", "consultation": {"id": 7, "phase": "live",
                                                      "agent_name": "이상담"}}
    for kind in ("assist", "abuse", "flags", "presence", "offer", "assigned", "changed"):
        assert events.for_citizen({"type": kind}) is None
    assert events.for_citizen({"type": "no-such-event"}) is None


def test_events_are_validated_against_their_class() -> None:
    ok = {"type": "typing", "consultation_id": 1, "who": "agent", "active": True}
    assert isinstance(events.validate(ok), events.TypingEvent)
    with pytest.raises(ValidationError):
        events.validate({**ok, "who": "bot"})
    with pytest.raises(ValidationError):
        events.validate({**ok, "secret": 1})  # no field outside the class
    with pytest.raises(KeyError):
        events.validate({"type": "mystery"})


def test_every_event_class_declares_an_audience() -> None:
    assert set(events.EVENTS) >= {"message", "state", "offer", "presence", "assist", "ack"}
    for cls in events.EVENTS.values():
        assert cls.audience in ("chat", "agent", "supervisor", "socket")
