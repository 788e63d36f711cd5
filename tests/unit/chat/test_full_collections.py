"""The web process's full garbage collections run on a schedule (chat.runtime)."""

from __future__ import annotations

import gc

from dasan.chat.runtime import NEVER, schedule_full_collections


def test_scheduled_full_collections_leave_the_young_generations_alone() -> None:
    before = gc.get_threshold()
    try:
        assert schedule_full_collections(300.0) == before
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2] and old == NEVER
    finally:
        gc.set_threshold(*before)


def test_an_interval_of_zero_keeps_cpythons_rule() -> None:
    before = gc.get_threshold()
    assert schedule_full_collections(0) == before
    assert gc.get_threshold() == before
