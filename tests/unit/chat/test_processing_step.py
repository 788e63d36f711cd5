"""Which citizen messages need the database step after they are stored."""

from __future__ import annotations

import pytest

from dasan.chat.hub import needs_processing_step
from dasan.protection.screening import Screening

CLEAN = Screening()
ABUSE = Screening("profanity", 2)
CRISIS = Screening(crisis=True)


@pytest.mark.parametrize("chat_phase", ["waiting", "live"])
def test_clean_korean_message_to_a_queued_or_live_chat_skips_the_step(chat_phase: str) -> None:
    assert not needs_processing_step(CLEAN, 5, "수도 요금은 어디서 내나요?", chat_phase)
    assert not needs_processing_step(CLEAN, 1, "수도 요금은 어디서 내나요?", chat_phase)


@pytest.mark.parametrize("scr", [ABUSE, CRISIS])
def test_abuse_and_crisis_always_take_the_step(scr: Screening) -> None:
    assert needs_processing_step(scr, 9, "아무 말", "live")
    assert needs_processing_step(scr, 9, "아무 말", "waiting")


@pytest.mark.parametrize("chat_phase", ["bot", "closed"])
def test_the_bot_phase_and_unknown_states_take_the_step(chat_phase: str) -> None:
    assert needs_processing_step(CLEAN, 7, "수도 요금은 어디서 내나요?", chat_phase)


def test_early_foreign_language_message_takes_the_step_for_language_detection() -> None:
    english = "How do I pay my water bill in Seoul?"
    assert needs_processing_step(CLEAN, 2, english, "waiting")
    assert not needs_processing_step(CLEAN, 4, english, "waiting")  # only the first messages
    assert not needs_processing_step(CLEAN, 2, "ok", "waiting")  # too short to tell
