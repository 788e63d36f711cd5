"""The outcome definitions pinned on every path (ADR 0004)."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from dasan.consultations import outcomes as oc
from dasan.consultations.channels import OUTCOME_LABELS_KO, OUTCOMES

HOWS = ("citizen_left", "agent_closed", "policy", "supervisor", "idle", "transfer_out")


def end(how: str, *, answered: bool = False, queued: bool = True, offered: bool = False,
        bot: bool = False) -> str:
    return oc.outcome_for(oc.Ending(answered, queued, offered, bot, how))


@pytest.mark.parametrize(("case", "expected"), [
    # a citizen leaving
    (dict(how="citizen_left", answered=True, offered=True), oc.ANSWERED),
    (dict(how="citizen_left", offered=True), oc.ABANDONED_AFTER_OFFER),  # ghost / 1.5 s
    (dict(how="citizen_left"), oc.ABANDONED_IN_QUEUE),
    (dict(how="citizen_left", queued=False, bot=True), oc.BOT_RESOLVED),
    (dict(how="citizen_left", queued=False), oc.BOT_UNRESOLVED),
    # the center ending it
    (dict(how="agent_closed", answered=True, offered=True), oc.ANSWERED),
    (dict(how="agent_closed", offered=True), oc.FORCED_TERMINATED),
    (dict(how="policy", answered=True, offered=True), oc.FORCED_TERMINATED),
    (dict(how="supervisor", offered=True), oc.FORCED_TERMINATED),
    (dict(how="idle", answered=True, offered=True), oc.IDLE_CLOSED),
    (dict(how="idle"), oc.IDLE_CLOSED),
    (dict(how="transfer_out", answered=True, offered=True), oc.TRANSFERRED),
])
def test_outcome_of_every_ending(case: dict[str, object], expected: str) -> None:
    assert end(**case) == expected  # type: ignore[arg-type]


def test_only_an_agent_reply_makes_a_contact_answered() -> None:
    """Over every combination: answered iff an agent replied (and not an abandonment)."""
    at = datetime(2026, 12, 2, 9, 0)
    for how, answered, queued, offered, bot in itertools.product(
            HOWS, (False, True), (False, True), (False, True), (False, True)):
        outcome = end(how, answered=answered, queued=queued, offered=offered, bot=bot)
        assert outcome in oc.OUTCOMES
        assert oc.is_answered(at if answered else None, outcome) is answered
        if not answered:
            assert outcome != oc.ANSWERED


def test_abandonments_are_never_answered_even_with_a_timestamp() -> None:
    at = datetime(2026, 12, 2, 9, 0)
    for outcome in oc.ABANDONED_OUTCOMES:
        assert not oc.is_answered(at, outcome)


def test_one_list_with_korean_labels_everywhere() -> None:
    assert OUTCOMES is oc.OUTCOMES and OUTCOME_LABELS_KO is oc.LABELS_KO
    assert set(oc.LABELS_KO) == set(oc.OUTCOMES) == set(oc.LABELS_EN)
    assert all(code not in label for code, label in oc.LABELS_KO.items())


def test_the_sql_twin_names_every_abandonment() -> None:
    for outcome in oc.ABANDONED_OUTCOMES:
        assert f"'{outcome}'" in oc.ANSWERED_SQL and f"'{outcome}'" in oc.ABANDONED_SQL


def test_a_call_that_left_in_the_ars_is_abandoned_in_ars_not_a_bot_outcome() -> None:
    def call(**kw: object) -> str:
        base: dict[str, object] = dict(agent_answered=False, reached_queue=False, offered=False,
                                       bot_answered=False, how="citizen_left", ars=True)
        return oc.outcome_for(oc.Ending(**{**base, **kw}))  # type: ignore[arg-type]

    assert call() == oc.ABANDONED_IN_ARS
    assert call(reached_queue=True) == oc.ABANDONED_IN_QUEUE
    assert call(reached_queue=True, offered=True) == oc.ABANDONED_AFTER_OFFER
    assert call(reached_queue=True, agent_answered=True) == oc.ANSWERED
    assert call(reached_queue=True, agent_answered=True, how="agent_closed") == oc.ANSWERED
