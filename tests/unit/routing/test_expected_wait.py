"""The expected-wait estimate: free slots, the queue's real service rate, staffed capacity."""

from __future__ import annotations

from dasan.routing.router import SERVICE_WINDOW, expected_wait


def test_a_free_slot_for_everyone_ahead_means_no_wait() -> None:
    assert expected_wait(pos=2, free=2, slots=6, served=0, aht=240) == (0, "free")


def test_the_recent_service_rate_drives_the_estimate() -> None:
    # 30 taken in 30 minutes: one a minute; 5 ahead of the free slots -> 5 minutes.
    window = SERVICE_WINDOW.total_seconds()
    assert window == 1800
    assert expected_wait(pos=5, free=0, slots=6, served=30, aht=240) == (300, "service_rate")
    # A slower queue promises a longer wait for the same position.
    slow, _ = expected_wait(pos=5, free=0, slots=6, served=10, aht=240)
    assert slow == 900


def test_without_enough_history_staffed_capacity_is_used() -> None:
    assert expected_wait(pos=7, free=1, slots=3, served=1, aht=200) == (400, "capacity")
