"""CP-SAT shift planning: coverage holds, least cost, caps, templates."""

from __future__ import annotations

import numpy as np
import pytest

from dasan.errors import DomainError
from dasan.workforce.shifts import (
    SLOTS_PER_DAY,
    coverage_matrix,
    default_templates,
    make_shift,
    plan_shifts,
)


def _req_from_profile(peak: int, days: int = 1) -> list[int]:
    hours = (np.arange(SLOTS_PER_DAY) + 0.5) / 2
    day = np.round(2 + peak * np.exp(-0.5 * ((hours - 11) / 3) ** 2)).astype(int)
    return list(np.tile(day, days))


def test_template_times_and_breaks() -> None:
    day = make_shift("주간", "full", "09:00", "18:00", breaks=["12:00", "12:30"])
    assert day.start_slot == 18 and day.length == 18
    assert day.cost == 8.0  # 9 hours minus the unpaid lunch hour
    assert 6 not in day.on_phone() and 7 not in day.on_phone() and len(day.on_phone()) == 16
    night = make_shift("야간", "night", "22:00", "07:00")
    assert night.length == 18 and night.label == "22:00-07:00"
    with pytest.raises(DomainError):
        make_shift("x", "full", "09:15", "18:00")
    with pytest.raises(DomainError):
        make_shift("x", "full", "25:00", "18:00")


def test_default_templates_include_the_seoul_menu() -> None:
    labels = {(t.kind, t.label) for t in default_templates()}
    assert ("full", "09:00-18:00") in labels
    assert ("afternoon", "11:00-20:00") in labels
    assert ("remote", "09:00-18:00") in labels
    assert any(k == "short" and lab.startswith("07:00") for k, lab in labels)
    old = {t.label for t in default_templates(afternoon="13-22") if t.kind == "afternoon"}
    assert old == {"13:00-22:00"}
    with pytest.raises(DomainError):
        default_templates(afternoon="10-19")


def test_plan_covers_every_interval() -> None:
    req = _req_from_profile(30, days=2)
    plan = plan_shifts(req, max_per_kind={"remote": 5}, time_limit=20)
    assert plan.status == "OPTIMAL"
    assert all(c >= r for c, r in zip(plan.coverage, req, strict=True))
    assert plan.shortfall == 0
    # Coverage is what the chosen shifts put on the phones.
    tpls = default_templates()
    mat, variables = coverage_matrix(tpls, 2)
    x = np.zeros(len(variables), dtype=int)
    for row in plan.counts:
        x[row["day"] * len(tpls) + row["template"]] = row["count"]
    assert list(mat.astype(int) @ x) == plan.coverage
    cost = sum(tpls[r["template"]].cost * r["count"] for r in plan.counts)
    assert cost == pytest.approx(plan.cost)
    remote_per_day = [
        sum(
            r["count"]
            for r in plan.counts
            if r["day"] == d and tpls[r["template"]].kind == "remote"
        )
        for d in range(2)
    ]
    assert max(remote_per_day) <= 5


def test_plan_is_least_cost_on_a_small_case() -> None:
    # One agent needed 09:00-12:00 and 13:00-18:00: one day shift (cost 8) beats any mix of
    # part-time shifts (>= 8 paid hours at a higher rate).
    req = [0] * SLOTS_PER_DAY
    for s in list(range(18, 24)) + list(range(26, 36)):
        req[s] = 1
    tpls = [
        make_shift("day", "full", "09:00", "18:00", 1.0, ["12:00", "12:30"]),
        make_shift("am", "part", "09:00", "13:00", 1.2),
        make_shift("pm", "part", "13:00", "18:00", 1.2),
    ]
    plan = plan_shifts(req, tpls, time_limit=5)
    assert plan.cost == pytest.approx(8.0)
    assert plan.counts == [{"day": 0, "template": 0, "count": 1}]


def test_uncoverable_and_bad_requirements_are_refused() -> None:
    tpls = [make_shift("day", "full", "09:00", "18:00")]
    req = [0] * SLOTS_PER_DAY
    req[4] = 1  # 02:00, no shift there
    with pytest.raises(DomainError, match="no shift covers"):
        plan_shifts(req, tpls)
    with pytest.raises(DomainError, match="whole days"):
        plan_shifts([1, 2, 3], tpls)
    with pytest.raises(DomainError, match=">= 0"):
        plan_shifts([-1] * SLOTS_PER_DAY, tpls)
    with pytest.raises(DomainError, match="no shift plan"):
        req2 = [0] * SLOTS_PER_DAY
        req2[20] = 3
        plan_shifts(req2, tpls, max_per_kind={"full": 2})
