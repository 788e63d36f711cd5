"""Erlang C / Erlang A against published values, analytic limits and pyworkforce."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from dasan.errors import DomainError
from dasan.workforce.erlang import (
    QueueMetrics,
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


# --- the staffing search: the fewest agents for each goal, the same on both paths ------------

_TARGETS = [
    StaffingTarget(service_level=0.8, answer_within=20),
    StaffingTarget(service_level=0.9, answer_within=10, shrinkage=0.3),
    StaffingTarget(service_level=None, max_asa=15.0),
    StaffingTarget(service_level=0.8, max_occupancy=0.85, shrinkage=0.1),
    StaffingTarget(service_level=0.7, answer_within=0),
    StaffingTarget(service_level=0.95, answer_within=60, max_asa=5.0),
]


@pytest.mark.parametrize("target", _TARGETS, ids=lambda t: repr(t)[15:60])
def test_the_vectorised_plan_equals_the_interval_by_interval_search(
        target: StaffingTarget) -> None:
    # The plan's lockstep Erlang B search must give exactly what required_agents gives for each
    # interval: agents, the schedule after shrinkage, and every measure.
    calls = [0, 1, 3.5, 17, 50, 120, 333, 800]
    ahts = [180, 240, 90, 300, 180, 150, 200, 420]
    for interval in (900.0, 1800.0):
        plan = staffing_plan(calls, ahts, target, interval)
        assert len(plan) == len(calls)
        for got, c, h in zip(plan, calls, ahts, strict=True):
            want = required_agents(c, h, target, interval)
            assert (got.calls, got.raw_agents, got.scheduled_agents) == (
                want.calls, want.raw_agents, want.scheduled_agents), (c, h, interval)
            assert got.traffic == pytest.approx(want.traffic, rel=1e-12)
            for field in ("agents", "p_wait", "service_level", "asa", "mean_wait", "p_abandon",
                          "response_rate", "occupancy"):
                assert getattr(got.metrics, field) == pytest.approx(
                    getattr(want.metrics, field), rel=1e-9, abs=1e-12), (field, c, h)


@pytest.mark.parametrize("target", _TARGETS, ids=lambda t: repr(t)[15:60])
def test_each_goal_is_met_by_the_fewest_agents(target: StaffingTarget) -> None:
    for calls, aht in ((40, 180.0), (250, 240.0), (1200, 150.0)):
        res = required_agents(calls, aht, target)
        n = res.raw_agents
        at, below = (erlang_c_metrics(k, res.traffic, aht, target.answer_within)
                     for k in (n, n - 1))
        assert res.metrics == at

        def meets(m: QueueMetrics) -> bool:
            return all((
                target.service_level is None or m.service_level >= target.service_level,
                target.max_asa is None or m.asa <= target.max_asa,
                target.max_occupancy is None or m.occupancy <= target.max_occupancy,
            ))
        assert meets(at) and not meets(below), (calls, n)
        assert res.scheduled_agents == math.ceil(n / (1 - target.shrinkage) - 1e-9)


def test_an_occupancy_cap_alone_can_set_the_staff() -> None:
    loose = required_agents(500, 180, StaffingTarget(service_level=0.5))
    capped = required_agents(500, 180, StaffingTarget(service_level=0.5, max_occupancy=0.8))
    assert capped.raw_agents == math.ceil(loose.traffic / 0.8) > loose.raw_agents
    assert capped.metrics.occupancy <= 0.8 < loose.metrics.occupancy


def test_erlang_a_search_with_a_service_level_goal_is_minimal() -> None:
    target = StaffingTarget(service_level=0.8, answer_within=20, patience_seconds=60)
    for calls in (30, 300):
        res = required_agents(calls, 180, target)
        assert res.metrics.service_level >= 0.8
        assert erlang_a_metrics(res.raw_agents - 1, res.traffic, 180, 60, 20).service_level < 0.8
        assert res.metrics == erlang_a_metrics(res.raw_agents, res.traffic, 180, 60, 20)
    # A plan with patience is the same search per interval.
    plan = staffing_plan([0, 30, 300], 180, target)
    assert [p.raw_agents for p in plan] == [
        0, *(required_agents(c, 180, target).raw_agents for c in (30, 300))]


def test_erlang_a_search_when_one_agent_is_enough() -> None:
    # A light load: the search's first candidate (one agent) already meets the goal; the
    # answer still carries every measure, the service level included.
    target = StaffingTarget(service_level=None, response_rate=0.5, patience_seconds=300)
    res = required_agents(5, 180, target)  # 0.5 Erlang
    assert res.raw_agents == 1
    assert res.metrics.response_rate >= 0.5
    assert not math.isnan(res.metrics.service_level)
    assert res.metrics == erlang_a_metrics(1, 0.5, 180, 300, 20)


# --- the measures themselves --------------------------------------------------------------------


def test_erlang_a_measures_at_the_edges() -> None:
    m = erlang_a_metrics(12, 10.0, 180.0, 120.0, 0.0)
    # Answered within 0 s means answered on arrival.
    assert m.service_level == pytest.approx(1 - m.p_wait, rel=1e-9)
    later = erlang_a_metrics(12, 10.0, 180.0, 120.0, 60.0)
    assert m.service_level < later.service_level < 1
    assert later.p_wait == m.p_wait and later.asa == m.asa
    assert m.response_rate + m.p_abandon == pytest.approx(1.0)
    assert 0 < m.asa < m.mean_wait / (1 - m.p_abandon) + 1e-9
    quick = erlang_a_metrics(12, 10.0, 180.0, 120.0, 60.0, with_service_level=False)
    assert math.isnan(quick.service_level)
    assert (quick.p_wait, quick.asa, quick.p_abandon, quick.occupancy) == (
        later.p_wait, later.asa, later.p_abandon, later.occupancy)
    # No agents: every caller waits and gives up after their patience.
    none = erlang_a_metrics(0, 10.0, 180.0, 120.0, 20.0)
    assert (none.p_wait, none.service_level, none.p_abandon, none.response_rate,
            none.mean_wait, none.occupancy) == (1.0, 0.0, 1.0, 0.0, 120.0, 0.0)
    # No load: nobody waits.
    idle = erlang_a_metrics(5, 0.0, 180.0, 120.0, 20.0)
    assert (idle.p_wait, idle.service_level, idle.response_rate, idle.occupancy) == (
        0.0, 1.0, 1.0, 0.0)
    # Endless patience is Erlang C exactly.
    assert erlang_a_metrics(12, 10.0, 180.0, math.inf, 20.0) == erlang_c_metrics(
        12, 10.0, 180.0, 20.0)


def test_erlang_a_asa_matches_the_served_callers_wait() -> None:
    # Mean wait over all callers = P(served) ASA + P(abandon) E[wait | abandon]; with patience
    # as long as the service (theta = mu) the system is M/M/inf in the number present, and
    # the mean wait of all callers is E[(N - n)+] / lambda.
    n, a, aht = 10, 10.0, 180.0
    m = erlang_a_metrics(n, a, aht, aht, 20.0)
    k = range(n + 1, n + 200)
    queue = sum((j - n) * stats.poisson.pmf(j, a) for j in k)
    assert m.mean_wait == pytest.approx(queue / (a / aht), rel=1e-9)
    assert m.occupancy == pytest.approx(
        sum(min(j, n) * stats.poisson.pmf(j, a) for j in range(0, n + 200)) / n, rel=1e-9)
    assert m.asa < m.mean_wait / m.response_rate


def test_erlang_c_measures_when_unstable_or_idle() -> None:
    # Unstable (as many erlangs as agents): everyone waits, no one is answered in time, the
    # wait grows without end, the agents are always busy; Erlang C callers never hang up.
    m = erlang_c_metrics(10, 10.0, 180.0, 20.0)
    assert m == QueueMetrics(agents=10, traffic=10.0, p_wait=1.0, service_level=0.0,
                             asa=math.inf, mean_wait=math.inf, p_abandon=0.0,
                             response_rate=1.0, occupancy=1.0)
    # Idle: no one waits and every caller is answered at once.
    idle = erlang_c_metrics(3, 0.0, 180.0, 20.0)
    assert idle == QueueMetrics(agents=3, traffic=0.0, p_wait=0.0, service_level=1.0, asa=0.0,
                                mean_wait=0.0, p_abandon=0.0, response_rate=1.0, occupancy=0.0)
    # One erlang on three agents is neither: some callers wait.
    one = erlang_c_metrics(3, 1.0, 180.0, 20.0)
    assert 0 < one.p_wait < 1 and 0 < one.asa == one.mean_wait
    assert one.occupancy == pytest.approx(1 / 3)
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_b(0, 5.0) == 1.0 and erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"service_level": 0.0}, "service level"), ({"service_level": 1.0}, "service level"),
        ({"response_rate": 0.0, "patience_seconds": 60}, "response rate"),
        ({"response_rate": 1.0, "patience_seconds": 60}, "response rate"),
        ({"answer_within": -1.0}, "answer-within"), ({"max_asa": 0.0}, "ASA"),
        ({"max_occupancy": 0.0}, "occupancy"), ({"max_occupancy": 1.01}, "occupancy"),
        ({"patience_seconds": 0.0}, "patience"), ({"shrinkage": -0.1}, "shrinkage"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"service_level": None, "max_asa": None}, "at least one goal"),
        ({"service_level": None, "response_rate": 0.9}, "needs a mean patience"),
    ],
)
def test_targets_outside_their_range_are_refused(kwargs: dict[str, float | None],
                                                 says: str) -> None:
    # The refusal names the goal that is wrong (the API and the CLI show it as is).
    with pytest.raises(DomainError, match=says):
        StaffingTarget(**kwargs)  # type: ignore[arg-type]


def test_targets_at_the_edge_of_their_range_are_accepted() -> None:
    for kwargs in ({"answer_within": 0.0}, {"max_occupancy": 1.0}, {"shrinkage": 0.0},
                   {"shrinkage": 0.99}, {"service_level": None, "max_asa": 1.0},
                   {"service_level": None, "response_rate": 0.9, "patience_seconds": 1.0},
                   {"service_level": 0.01}, {"service_level": 0.99}):
        StaffingTarget(**kwargs)  # type: ignore[arg-type]
    assert StaffingTarget().model == "erlang_c"
    assert StaffingTarget(patience_seconds=60).model == "erlang_a"


def test_bad_plan_inputs_are_refused() -> None:
    for calls, aht, interval in (([[1, 2]], 180, 1800.0), ([1, -1], 180, 1800.0),
                                 ([1, float("inf")], 180, 1800.0), ([1, 2], [180, 0], 1800.0),
                                 ([1, 2], [180, float("nan")], 1800.0), ([1], 180, 0.0)):
        with pytest.raises(DomainError):
            staffing_plan(calls, aht, StaffingTarget(), interval)
    assert staffing_plan([], 180, StaffingTarget()) == []
    with pytest.raises(DomainError):
        offered_traffic(10, 180, 0)
    with pytest.raises(DomainError):
        offered_traffic(float("inf"), 180, 1800)
    with pytest.raises(DomainError):
        erlang_b(2, -1.0)
    with pytest.raises(DomainError):
        erlang_b(2, float("nan"))
    with pytest.raises(DomainError):
        erlang_c(2.5, 1.0)  # type: ignore[arg-type]
    # The error says which input is wrong.
    for bad, says in (((12, 10.0, 0.0, 20.0), "handling time"),
                      ((12, 10.0, 180.0, -1.0), "answer-within")):
        with pytest.raises(DomainError, match=says):
            erlang_c_metrics(*bad)  # type: ignore[arg-type]
    # Any handling time above zero is one, even under a second.
    assert erlang_c_metrics(2, 1.0, 0.5, 20.0).service_level == pytest.approx(1.0)
    for bad_a, says in (((12, 10.0, 0.0, 60.0, 20.0), "handling time"),
                        ((12, 10.0, 180.0, 0.0, 20.0), "patience"),
                        ((12, 10.0, 180.0, 60.0, -1.0), "answer-within")):
        with pytest.raises(DomainError, match=says):
            erlang_a_metrics(*bad_a)  # type: ignore[arg-type]
    # Handling times and patience under a second are still above zero (every caller who is
    # answered at all is answered well within 20 s).
    quick = erlang_a_metrics(2, 1.0, 0.5, 0.5, 20.0)
    assert 0 < quick.service_level == pytest.approx(quick.response_rate, rel=1e-9)


def test_results_serialise_every_measure() -> None:
    res = required_agents(200, 180, StaffingTarget(service_level=0.8, shrinkage=0.2))
    d = res.to_dict()
    assert d["raw_agents"] == res.raw_agents and d["scheduled_agents"] == res.scheduled_agents
    assert d["traffic"] == res.traffic and d["calls"] == 200
    assert d["metrics"] == res.metrics.to_dict()
    assert d["metrics"]["service_level"] == res.metrics.service_level
    assert set(d["metrics"]) == {"agents", "traffic", "p_wait", "service_level", "asa",
                                 "mean_wait", "p_abandon", "response_rate", "occupancy"}


def test_erlang_b_series_is_erlang_b_for_every_staff_size() -> None:
    from dasan.workforce.erlang import erlang_b_series

    series = erlang_b_series(30, 12.5)
    assert series.shape == (31,)
    assert series.tolist() == pytest.approx([erlang_b(n, 12.5) for n in range(31)], rel=1e-12)
    with pytest.raises(DomainError):
        erlang_b_series(-1, 2.0)
    with pytest.raises(DomainError):
        erlang_b_series(3, -2.0)


def test_goals_combine_on_both_paths() -> None:
    # A binding service level with a loose ASA or occupancy goal beside it: every goal counts,
    # not just the last one checked. Strict goals need a bigger search grid than the first one.
    for target in (StaffingTarget(service_level=0.9, answer_within=10, max_asa=100.0),
                   StaffingTarget(service_level=0.9, answer_within=10, max_occupancy=0.99),
                   StaffingTarget(service_level=None, max_asa=0.001)):
        calls, aht = [3, 40, 400, 2500], [3600.0, 180.0, 240.0, 300.0]
        plan = staffing_plan(calls, aht, target, 900)
        one_by_one = [required_agents(c, h, target, 900) for c, h in zip(calls, aht, strict=True)]
        assert [p.raw_agents for p in plan] == [r.raw_agents for r in one_by_one]
        sl_only = StaffingTarget(service_level=target.service_level or 0.5,
                                 answer_within=target.answer_within)
        if target.service_level is not None:
            assert [p.raw_agents for p in plan] == [
                required_agents(c, h, sl_only, 900).raw_agents
                for c, h in zip(calls, aht, strict=True)]


def test_an_occupancy_cap_is_met_exactly_when_the_load_divides() -> None:
    # 40 Erlangs at a cap of 0.8: 50 agents are exactly at the cap, which is allowed.
    target = StaffingTarget(service_level=0.01, max_occupancy=0.8)
    assert required_agents(400, 180, target).raw_agents == 50
    assert staffing_plan([400], 180, target)[0].raw_agents == 50


def test_erlang_a_goals_on_asa_and_occupancy_are_met_by_the_fewest_agents() -> None:
    for target in (StaffingTarget(service_level=None, max_asa=10.0, patience_seconds=120),
                   StaffingTarget(service_level=0.5, max_occupancy=0.7, patience_seconds=120)):
        res = required_agents(300, 180, target)
        n = res.raw_agents
        at, below = (erlang_a_metrics(k, res.traffic, 180, 120, 20) for k in (n, n - 1))
        if target.max_asa is not None:
            assert at.asa <= 10.0 < below.asa
        else:
            assert at.occupancy <= 0.7 < below.occupancy


def test_a_plan_uses_its_interval_length() -> None:
    for target in (StaffingTarget(), StaffingTarget(patience_seconds=90)):
        half_hours = staffing_plan([120, 300], 180, target)
        assert [p.raw_agents for p in half_hours] == [
            required_agents(c, 180, target, 1800).raw_agents for c in (120, 300)]
        quarters = staffing_plan([120, 300], 180, target, 900)
        assert [p.raw_agents for p in quarters] == [
            required_agents(c, 180, target, 900).raw_agents for c in (120, 300)]
        assert [q.traffic for q in quarters] == [2 * h.traffic for h in half_hours]
    with pytest.raises(DomainError):
        staffing_plan([1, 2], [180, float("inf")], StaffingTarget())


def test_the_plan_searches_past_its_first_grid_for_every_interval() -> None:
    # A 30% occupancy cap on 400 erlangs (4,000 calls x 180 s / 1800 s) needs 1,334 agents, past
    # the first search grid (about 540 agents), while the quiet interval beside it is solved
    # inside that grid: each interval gets its own answer, not only the first one found.
    capped = StaffingTarget(service_level=0.8, max_occupancy=0.3)
    plan = staffing_plan([4000, 30], 180, capped)
    assert [r.raw_agents for r in plan] == [1334, 10]
    assert [r.raw_agents for r in plan] == [
        required_agents(c, 180, capped).raw_agents for c in (4000, 30)]
    assert all(r.metrics.occupancy <= 0.3 for r in plan)


def test_a_goal_met_exactly_is_met() -> None:
    # Half an erlang on one agent (M/M/1, P(wait) = 0.5): the mean wait is exactly one handling
    # time (180 s), and with a zero-second threshold half the callers are answered at once.
    # "At most 180 s" and "at least 50%" are both met by that one agent, on both paths.
    for target in (StaffingTarget(service_level=None, max_asa=180.0),
                   StaffingTarget(service_level=0.5, answer_within=0)):
        assert required_agents(5, 180, target).raw_agents == 1
        assert staffing_plan([5], 180, target)[0].raw_agents == 1


def test_erlang_a_low_goals_take_fewer_agents_than_the_load() -> None:
    # Callers who hang up after 30 s: answering 60% of 40 erlangs, or 30% within 20 s, takes
    # fewer agents than the load itself. The search finds the fewest, and the result reports
    # every measure of that staff (the service level too when it is no goal).
    for target, goal in (
            (StaffingTarget(service_level=None, response_rate=0.6, patience_seconds=30),
             "response_rate"),
            (StaffingTarget(service_level=0.3, patience_seconds=30), "service_level")):
        res = required_agents(400, 180, target)
        n = res.raw_agents
        at, below = (erlang_a_metrics(k, res.traffic, 180, 30, 20) for k in (n, n - 1))
        assert n < res.traffic
        assert res.metrics == at
        wanted = getattr(target, goal)
        assert getattr(at, goal) >= wanted > getattr(below, goal), (goal, n)


def test_erlang_c_of_two_agents_for_one_erlang() -> None:
    # M/M/2 at one erlang: P(wait) = 1/3 (published tables; the M/M/1 case is above).
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_erlang_a_measures_when_idle_or_unstaffed() -> None:
    # No calls: no one waits, everyone is answered at once.
    idle = erlang_a_metrics(4, 0.0, 180.0, 60.0, 20.0)
    assert idle == QueueMetrics(agents=4, traffic=0.0, p_wait=0.0, service_level=1.0, asa=0.0,
                                mean_wait=0.0, p_abandon=0.0, response_rate=1.0, occupancy=0.0)
    # No agents: every caller waits and hangs up after their mean patience; no one is answered.
    none = erlang_a_metrics(0, 5.0, 180.0, 60.0, 20.0)
    assert none == QueueMetrics(agents=0, traffic=5.0, p_wait=1.0, service_level=0.0,
                                asa=math.inf, mean_wait=60.0, p_abandon=1.0, response_rate=0.0,
                                occupancy=0.0)
