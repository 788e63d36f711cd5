"""The presence state machine as pure rules: what the sweeper and a reconnect do."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dasan.presence import states as st

T0 = datetime(2026, 12, 2, 9, 0, 0)
TIMERS = st.Timers(timedelta(seconds=8), timedelta(seconds=35), timedelta(seconds=300))


def seen(state: str, sockets: int = 1, last_seen: float = 0.0, closed: float | None = None,
         away: float | None = None) -> st.Seen:
    def at(sec: float | None) -> datetime | None:
        return None if sec is None else T0 + timedelta(seconds=sec)

    last = at(last_seen)
    assert last is not None
    return st.Seen(state, sockets, last, at(closed), at(away))


def after(sec: float) -> datetime:
    return T0 + timedelta(seconds=sec)


@pytest.mark.parametrize("state", sorted(st.PRESENT))
def test_a_closed_desktop_is_away_only_after_the_short_grace(state: str) -> None:
    s = seen(state, sockets=0, last_seen=0, closed=1)
    assert st.swept_state(s, after(1 + 7.9), TIMERS) is None  # a reload is not leaving
    assert st.swept_state(s, after(1 + 8), TIMERS) == st.AWAY


def test_an_open_socket_keeps_the_agent_present_while_heartbeats_come() -> None:
    assert st.swept_state(seen(st.AVAILABLE, last_seen=100), after(134), TIMERS) is None


def test_missed_heartbeats_make_the_agent_away_even_with_a_stale_socket_count() -> None:
    # A crashed worker never decremented its socket: the heartbeat still stopped.
    assert st.swept_state(seen(st.BUSY, sockets=2, last_seen=0), after(35), TIMERS) == st.AWAY


def test_away_becomes_offline_after_the_long_grace() -> None:
    s = seen(st.AWAY, sockets=0, last_seen=0, closed=0, away=10)
    assert st.swept_state(s, after(309), TIMERS) is None
    assert st.swept_state(s, after(310), TIMERS) == st.OFFLINE


def test_offline_agents_are_left_alone() -> None:
    assert st.swept_state(seen(st.OFFLINE, sockets=0), after(10_000), TIMERS) is None


def test_only_available_and_busy_agents_are_offered_contacts() -> None:
    assert {st.AVAILABLE, st.BUSY} == st.OFFERABLE
    assert st.AWAY not in st.PRESENT and st.OFFLINE not in st.PRESENT


def test_coming_back_resumes_a_break_and_otherwise_starts_available() -> None:
    assert st.on_return(st.AWAY, st.BREAK) == st.BREAK
    assert st.on_return(st.AWAY, st.AFTER_CALL_WORK) == st.AFTER_CALL_WORK
    assert st.on_return(st.AWAY, st.BUSY) == st.AVAILABLE
    assert st.on_return(st.OFFLINE, None) == st.AVAILABLE
    assert st.on_return(st.BREAK, None) is None  # a second tab changes nothing


def test_people_pick_states_and_break_reasons_from_fixed_lists() -> None:
    assert st.choose("break", "meal") == ("break", "meal")
    assert st.choose("break") == ("break", "rest")
    assert st.choose("wrap_up") == (st.AFTER_CALL_WORK, None)
    for bad in ("away", "busy", "lunch"):
        with pytest.raises(st.PresenceError):
            st.choose(bad)
    with pytest.raises(st.PresenceError):
        st.choose("break", "nap")
    with pytest.raises(st.PresenceError):
        st.choose("available", "meal")


def test_every_state_has_a_korean_label() -> None:
    assert set(st.LABELS_KO) == set(st.STATES) == set(st.LABELS_EN)
