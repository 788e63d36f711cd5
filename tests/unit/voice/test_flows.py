"""ARS flows as data: validation finds broken documents; the dry run walks the real engine."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from dasan.voice.flows.default import default_flow
from dasan.voice.flows.engine import CallerAttributes, at_time, is_holiday, simulate
from dasan.voice.flows.schema import FlowInvalid, validate

QUEUES = {"transport", "water", "welfare_admin", "foreign", "general", "malicious"}


def flow(**node_changes: dict) -> dict:
    doc = copy.deepcopy(default_flow())
    for nid, fields in node_changes.items():
        doc["nodes"][nid].update(fields)
    return doc


def test_default_flow_is_valid_and_follows_the_city_menu() -> None:
    f = validate(default_flow(), QUEUES)
    menu = f.nodes["main_menu"]
    assert sorted(menu.options) == ["0", "1", "2", "3", "9"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("doc_change", "problem"), [
    ({"main_menu": {"on_fail": "nowhere"}}, "unknown node 'nowhere'"),
    ({"main_menu": {"prompt": "missing_prompt"}}, "unknown prompt"),
    ({"q_transport": {"queue": "no_such_queue"}}, "unknown queue"),
    ({"main_menu": {"options": {"12": "q_water"}}}, "is not one key"),
    ({"hours": {"weekday": ["18:00", "09:00"]}}, "is not before"),
    ({"notice": {"next": "welfare_check"}}, "waits for no input"),
])
def test_broken_flows_are_refused_with_the_reason(doc_change: dict, problem: str) -> None:
    with pytest.raises(FlowInvalid) as exc:
        validate(flow(**doc_change), QUEUES)
    assert any(problem in p for p in exc.value.problems), exc.value.problems
    assert exc.value.status == 422


def test_unknown_node_type_is_refused() -> None:
    doc = flow()
    doc["nodes"]["odd"] = {"type": "teleport", "next": "main_menu"}
    with pytest.raises(FlowInvalid):
        validate(doc, QUEUES)


TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(("digits", "queue", "language", "option"), [
    (["1"], "transport", "ko", "1"),
    (["2"], "water", "ko", "2"),
    (["3"], "welfare_admin", "ko", "3"),
    (["0"], "general", "ko", "0"),
    (["9", "2"], "foreign", "zh", "9-2"),
    (["*", "1"], "transport", "ko", "1"),
    (["8", "2"], "water", "ko", "2"),
    ([None, None, None], "general", "ko", None),  # no input, twice retried, then an agent
])
async def test_simulate_menu(digits: list, queue: str, language: str, option: str | None
                             ) -> None:
    sim = await simulate(validate(flow(), QUEUES), digits, CallerAttributes(),
                         at_time(TUESDAY, "10:00"))
    assert sim.result.kind == "queue" and sim.result.queue == queue
    assert sim.result.language == language and sim.result.ars_option == option


async def test_malicious_caller_skips_the_menu() -> None:
    sim = await simulate(validate(flow(), QUEUES), ["1"], CallerAttributes(malicious=True))
    assert sim.result.queue == "malicious" and sim.prompts == [] and sim.unused_digits == ["1"]


async def test_welfare_line_gets_priority() -> None:
    sim = await simulate(validate(flow(), QUEUES), ["2"], CallerAttributes(welfare_line=True))
    assert sim.result.queue == "water" and sim.result.priority == 1


async def test_announcement_is_played_only_while_enabled() -> None:
    off = await simulate(validate(flow(), QUEUES), ["1"], CallerAttributes())
    on = await simulate(validate(flow(notice={"enabled": True}), QUEUES), ["1"],
                        CallerAttributes())
    assert "notice" not in off.prompts and on.prompts[0] == "notice"


async def test_business_hours_and_korean_holidays() -> None:
    office = flow(hours={"weekday": ["09:00", "18:00"], "saturday": None, "sunday": None,
                         "holiday": None})
    f = validate(office, QUEUES)
    assert is_holiday(date(2026, 9, 25))  # 추석 (Chuseok) 2026
    open_day = await simulate(f, ["1"], CallerAttributes(), at_time(TUESDAY, "10:00"))
    evening = await simulate(f, ["1"], CallerAttributes(), at_time(TUESDAY, "19:00"))
    chuseok = await simulate(f, ["1"], CallerAttributes(), at_time(date(2026, 9, 25), "10:00"))
    assert open_day.result.kind == "queue"
    assert evening.result.kind == "hangup" and evening.prompts == ["closed"]
    assert chuseok.result.kind == "hangup"
