"""Erlang C / Erlang A against published values, analytic limits and pyworkforce."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from dasan.errors import DomainError
from dasan.workforce.erlang import (
    StaffingTarget,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_traffic,
    required_agents,
    staffing_plan,
)


@pytest.mark.parametrize(
    ("agents", "traffic", "expected"),
    [
        (12, 10.0, 0.4494),  # standard Erlang C table value
        (3, 2.0, 4 / 9),  # exact
        (11, 10.0, 0.6821),
        (13, 10.0, 0.2853),
        (15, 10.0, 0.1020),
    ],
)
def test_erlang_c_matches_published_tables(agents: int, traffic: float, expected: float) -> None:
    assert erlang_c(agents, traffic) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("agents", "traffic", "expected"),
    [(10, 5.0, 0.01838), (10, 10.0, 0.21458), (5, 2.0, 0.03670)],
)
def test_erlang_b_matches_published_tables(agents: int, traffic: float, expected: float) -> None:
    assert erlang_b(agents, traffic) == pytest.approx(expected, abs=1e-5)


def test_erlang_c_is_stable_for_hundreds_of_agents() -> None:
    c = erlang_c(2000, 1950.0)
    assert 0.0 < c < 1.0 and math.isfinite(c)
    # More agents, less waiting.
    assert erlang_c(2001, 1950.0) < c
    assert erlang_c(100, 100.0) == 1.0  # unstable queue: everyone waits


def test_service_level_and_asa_formulas() -> None:
    m = erlang_c_metrics(12, 10.0, 180.0, 20.0)
    c = erlang_c(12, 10.0)
    assert m.service_level == pytest.approx(1 - c * math.exp(-2 * 20 / 180))
    assert m.asa == pytest.approx(c * 180 / 2)
    assert m.occupancy == pytest.approx(10 / 12)


def test_erlang_a_tends_to_erlang_c_with_endless_patience() -> None:
    a = erlang_a_metrics(12, 10.0, 180.0, 1e9, 20.0)
    c = erlang_c_metrics(12, 10.0, 180.0, 20.0)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-4)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-4)
    assert a.asa == pytest.approx(c.asa, rel=1e-3)
    assert a.p_abandon < 1e-5


def test_erlang_a_with_patience_equal_to_service_is_an_infinite_server_queue() -> None:
    # theta == mu: the number in system is Poisson(a), so P(wait) = P(N >= n).
    m = erlang_a_metrics(10, 10.0, 180.0, 180.0, 20.0)
    assert m.p_wait == pytest.approx(stats.poisson.sf(9, 10.0), rel=1e-9)


def test_erlang_a_internal_consistency() -> None:
    m = erlang_a_metrics(20, 20.0, 200.0, 90.0, 20.0)
    # Abandonment = theta * E[W] (exponential patience); occupancy = a (1 - P(ab)) / n.
    assert m.p_abandon == pytest.approx(m.mean_wait / 90.0, rel=1e-6)
    assert m.occupancy == pytest.approx(20.0 * (1 - m.p_abandon) / 20, rel=1e-6)
    more = erlang_a_metrics(22, 20.0, 200.0, 90.0, 20.0)
    assert more.p_abandon < m.p_abandon and more.service_level > m.service_level
    # Works with fewer agents than the load (Erlang C would be unstable).
    over = erlang_a_metrics(15, 20.0, 200.0, 90.0, 20.0)
    assert 0 < over.response_rate < 15 / 20 + 1e-9


def test_required_agents_is_the_minimum() -> None:
    target = StaffingTarget(service_level=0.8, answer_within=20)
    res = required_agents(200, 180, target)
    assert res.traffic == pytest.approx(20.0)
    assert res.metrics.service_level >= 0.8
    below = erlang_c_metrics(res.raw_agents - 1, 20.0, 180, 20)
    assert below.service_level < 0.8


def test_required_agents_for_a_response_rate_with_erlang_a() -> None:
    target = StaffingTarget(service_level=None, response_rate=0.95, patience_seconds=120)
    res = required_agents(400, 180, target)
    assert res.metrics.response_rate >= 0.95
    assert erlang_a_metrics(res.raw_agents - 1, res.traffic, 180, 120, 20).response_rate < 0.95


def test_shrinkage_scales_the_schedule() -> None:
    base = required_agents(200, 180, StaffingTarget(service_level=0.8))
    shr = required_agents(200, 180, StaffingTarget(service_level=0.8, shrinkage=0.3))
    assert shr.raw_agents == base.raw_agents
    assert shr.scheduled_agents == math.ceil(base.raw_agents / 0.7)


def test_zero_calls_need_no_agents() -> None:
    assert required_agents(0, 180, StaffingTarget()).raw_agents == 0


@pytest.mark.parametrize("calls", [5, 37, 100, 250, 999, 3000])
@pytest.mark.parametrize("sl", [0.7, 0.8, 0.9])
def test_agrees_with_pyworkforce(calls: int, sl: float) -> None:
    pyworkforce = pytest.importorskip("pyworkforce.queuing")
    ref = pyworkforce.ErlangC(
        transactions=calls, aht=3.0, asa=20 / 60, interval=30, shrinkage=0.25
    ).required_positions(service_level=sl)
    res = required_agents(calls, 180.0, StaffingTarget(service_level=sl, shrinkage=0.25), 1800)
    assert res.raw_agents == ref["raw_positions"]
    assert res.scheduled_agents == ref["positions"]
    assert res.metrics.service_level == pytest.approx(ref["service_level"], rel=1e-9)


def test_staffing_plan_over_intervals() -> None:
    plan = staffing_plan([0, 50, 100], [180, 180, 240], StaffingTarget(service_level=0.8))
    assert [p.raw_agents for p in plan][0] == 0
    assert plan[2].raw_agents > plan[1].raw_agents


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service_level": 1.2},
        {"service_level": None},
        {"response_rate": 0.9},  # needs patience
        {"shrinkage": 1.0},
        {"patience_seconds": -1.0},
    ],
)
def test_bad_targets_are_refused(kwargs: dict[str, float | None]) -> None:
    with pytest.raises(DomainError):
        StaffingTarget(**kwargs)  # type: ignore[arg-type]


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(DomainError):
        offered_traffic(-1, 180, 1800)
    with pytest.raises(DomainError):
        offered_traffic(10, 0, 1800)
    with pytest.raises(DomainError):
        erlang_c(-2, 3.0)
    with pytest.raises(DomainError):
        staffing_plan([1, float("nan")], 180, StaffingTarget())


def test_absurd_offered_traffic_is_refused_not_a_crash() -> None:
    from dasan.errors import BadRequest
    from dasan.workforce import erlang as _erl

    target = _erl.StaffingTarget()
    with pytest.raises(BadRequest, match="Erlangs"):
        _erl.staffing_plan([7.0e13], 1.0, target)
    with pytest.raises(BadRequest, match="Erlangs"):
        _erl.offered_traffic(1.2e19, 180.0, 1800.0)
    assert _erl.staffing_plan([100.0], 180.0, target)[0].raw_agents > 0
