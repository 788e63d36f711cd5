"""The simulator against queueing theory, and its scenario knobs (statistical, seeded)."""

from __future__ import annotations

import numpy as np
import pytest

from dasan.errors import DomainError
from dasan.workforce.erlang import erlang_a_metrics, erlang_c, erlang_c_metrics
from dasan.workforce.simulate import (
    CallType,
    CenterConfig,
    Dist,
    compare,
    run_pool,
    seoul_center,
    simulate,
    with_extra_agents,
)

EXP180 = [CallType("a", 1.0, Dist("exponential", 180.0))]


def _steady(agents: int, traffic: float, k: int, **kw: object) -> CenterConfig:
    calls = traffic / 180.0 * 1800.0  # per half-hour
    return CenterConfig(
        arrivals=np.full(k, calls),
        agents=np.full(k, agents),
        call_types=EXP180,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("agents", "traffic"), [(12, 10.0), (55, 50.0), (3, 2.0)])
def test_mmc_waiting_probability_matches_erlang_c(agents: int, traffic: float) -> None:
    k = int(1_000_000 / (traffic / 180 * 1800))  # about a million calls
    res = simulate(_steady(agents, traffic, k, patience=Dist("none"), seed=11))
    assert res.waits is not None
    p_wait = float((res.waits > 1e-9).mean())
    assert p_wait == pytest.approx(erlang_c(agents, traffic), rel=0.02)
    s = res.summary()
    m = erlang_c_metrics(agents, traffic, 180.0, 20.0)
    assert s["service_level"] == pytest.approx(m.service_level, abs=0.01)
    assert s["occupancy"] == pytest.approx(m.occupancy, abs=0.01)
    assert s["response_rate"] == 1.0


def test_abandonment_matches_erlang_a() -> None:
    res = simulate(_steady(12, 11.0, 6000, patience=Dist("exponential", 120.0), seed=5))
    s = res.summary()
    m = erlang_a_metrics(12, 11.0, 180.0, 120.0, 20.0)
    assert s["response_rate"] == pytest.approx(m.response_rate, abs=0.005)
    assert s["service_level"] == pytest.approx(m.service_level, abs=0.01)
    assert s["asa"] == pytest.approx(m.asa, rel=0.05)


def test_conservation_of_calls() -> None:
    cfg = seoul_center(days=2, calls_per_year=1e6, agents_scale=0.8, seed=3)
    res = simulate(cfg)
    p = res.phone
    assert np.allclose(p.answered + p.abandoned, p.offered)
    assert res.inflow == res.ars_resolved + int(p.offered.sum())
    s = res.summary()
    assert s["response_rate_total"] < s["response_rate"] < 1.0


def test_pooling_omni_beats_dedicated_skills_with_the_same_staff() -> None:
    skills = seoul_center(days=2, calls_per_year=2e6, routing="skills", seed=1)
    omni = seoul_center(days=2, calls_per_year=2e6, routing="omni", seed=1)
    omni.omni_aht_factor = 1.0  # no learning penalty: pure pooling effect
    out = compare({"skills": skills, "omni": omni})
    assert out["omni"]["response_rate"] > out["skills"]["response_rate"]
    assert out["omni"]["asa"] < out["skills"]["asa"]
    # A large enough handling-time penalty eats the pooling gain.
    omni.omni_aht_factor = 1.4
    slow = compare({"omni": omni})["omni"]
    assert slow["response_rate"] < out["skills"]["response_rate"]


def test_extra_agents_at_lunch_help_lunch_only() -> None:
    base = seoul_center(days=3, calls_per_year=2e6, agents_scale=0.85, seed=2)
    more = with_extra_agents(base, 8, "11:30", "13:30")
    assert int(more.agents.sum() - base.agents.sum()) == 8 * 4 * 3
    a, b = simulate(base).per_interval(), simulate(more).per_interval()
    lunch = [k for k in range(len(a)) if 23 <= k % 48 < 27]
    night = [k for k in range(len(a)) if 2 <= k % 48 < 10]
    assert np.mean([b[k]["service_level"] for k in lunch]) > np.mean(
        [a[k]["service_level"] for k in lunch]
    )
    assert [b[k]["answered"] for k in night] == [a[k]["answered"] for k in night]


def test_callbacks_follow_abandonment() -> None:
    cfg = _steady(10, 10.5, 400, patience=Dist("exponential", 60.0), seed=9)
    cfg.callback_share = 0.5
    cfg.callback_reach = 1.0
    res = simulate(cfg)
    s = res.summary()
    assert s["abandoned"] > 1000
    assert s["callbacks_requested"] == pytest.approx(0.5 * s["abandoned"], rel=0.1)
    assert 0 < s["callbacks_answered"] <= s["callbacks_requested"]
    assert s["response_rate_with_callbacks"] > s["response_rate"]
    # Callback work takes agent time away from inbound callers.
    cfg.callback_share = 0.0
    assert simulate(cfg).summary()["response_rate"] > s["response_rate"]


def test_chat_concurrency_multiplies_capacity() -> None:
    k = 200
    base = _steady(20, 10.0, k, seed=4)
    base.chat_arrivals = np.full(k, 150.0)
    base.chat_agents = np.full(k, 20)
    base.chat_service = Dist("exponential", 600.0)  # 50 Erlangs of chat
    base.chat_concurrency = 1
    one = simulate(base).summary()["chat"]
    base.chat_concurrency = 3
    three = simulate(base).summary()["chat"]
    assert one["response_rate"] < 0.6
    assert three["response_rate"] > 0.95
    assert three["occupancy"] == pytest.approx(50 / 60, rel=0.05)  # share of 60 chat slots


def test_unstaffed_intervals_hold_callers_until_agents_arrive() -> None:
    entry = np.array([10.0, 20.0, 1900.0])
    out = run_pool(
        entry,
        service=np.array([100.0, 100.0, 100.0]),
        patience=np.array([np.inf, 50.0, np.inf]),
        agents=np.array([0, 1]),
        interval_seconds=1800.0,
    )
    assert out.start[0] == 1800.0  # waited for the next shift
    assert np.isnan(out.start[1])  # gave up before anyone came
    assert out.start[2] == 1900.0


def test_staff_cut_removes_the_first_free_agents() -> None:
    entry = np.array([0.0, 0.0, 1800.0, 1801.0])
    out = run_pool(
        entry,
        service=np.array([3000.0, 100.0, 10.0, 10.0]),
        patience=np.full(4, np.inf),
        agents=np.array([2, 1]),
        interval_seconds=1800.0,
    )
    # At 1800 s one agent leaves: the idle one. The other is busy until 3000 s.
    assert list(out.start) == [0.0, 0.0, 3000.0, 3010.0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arrivals": [1.0, 2.0], "agents": [1]},
        {"arrivals": [-1.0], "agents": [1]},
        {"arrivals": [1.0], "agents": [1.5]},
        {"arrivals": [1.0], "agents": [1], "routing": "random"},
        {"arrivals": [1.0], "agents": [1], "callback_share": 2.0},
        {"arrivals": [1.0], "agents": [1], "chat_arrivals": [1.0]},
    ],
)
def test_bad_configs_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(DomainError):
        CenterConfig(**kwargs)  # type: ignore[arg-type]


def test_distributions() -> None:
    rng = np.random.default_rng(0)
    for d in (Dist("exponential", 100), Dist("lognormal", 100, 1.2), Dist("gamma", 100, 0.5)):
        assert d.sample(rng, 200_000).mean() == pytest.approx(100, rel=0.02)
    emp = Dist("empirical", values=(1.0, 3.0))
    assert set(emp.sample(rng, 100).tolist()) == {1.0, 3.0}
    assert np.isinf(Dist("none").sample(rng, 3)).all()
    with pytest.raises(DomainError):
        Dist("pareto", 1.0)
    with pytest.raises(DomainError):
        Dist("exponential", 0.0)
