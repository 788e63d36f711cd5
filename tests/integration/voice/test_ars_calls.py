"""Calls through the ARS by RFC 4733 DTMF from sipp: every menu branch, abandon, malicious."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from voice_helpers import CALLER, publish_short_flow, run_sipp, settled

from dasan.consultations import outcomes
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def only_call(url: str) -> tuple[VoiceCall, Consultation]:
    with session_scope(url) as s:
        calls = list(s.scalars(select(VoiceCall)))
        assert len(calls) == 1, [c.sip_call_id for c in calls]
        c = s.get(Consultation, calls[0].consultation_id)
        assert c is not None
        s.expunge_all()
        return calls[0], c


@pytest.mark.parametrize(("scenario", "queue", "digits", "language"), [
    ("caller_keys_1.xml", "transport", "1", "ko"),
    ("caller_keys_2.xml", "water", "2", "ko"),
    ("caller_keys_3.xml", "welfare_admin", "3", "ko"),
    ("caller_keys_0.xml", "general", "0", "ko"),
    ("caller_keys_91.xml", "foreign", "9-1", "en"),
    ("caller_keys_star2.xml", "water", "2", "ko"),   # * repeats the menu, then 2
    ("caller_keys_71.xml", "transport", "1", "ko"),  # 7 is invalid, then 1
])
async def test_menu_branch_by_dtmf(gateway_factory, database_url: str, scenario: str,
                                   queue: str, digits: str, language: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory()
    result = await run_sipp(scenario, gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    call, consultation = only_call(database_url)
    assert call.queue_code == queue
    assert call.outcome == "abandoned_in_queue"
    assert call.ended_at is not None and call.ars_exit_at is not None
    assert call.queued_at is not None
    assert consultation.channel == "phone"
    assert consultation.ars_option == digits
    assert consultation.language == language
    assert consultation.outcome == "abandoned_in_queue" and consultation.queued_at is not None
    if scenario == "caller_keys_star2.xml":
        assert "repeat" in call.ars_path
    if scenario == "caller_keys_71.xml":
        assert "invalid:7" in call.ars_path


async def test_hang_up_in_the_ars_counts_in_total_inflow_only(gateway_factory,
                                                              database_url: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory()
    result = await run_sipp("caller_ars_abandon.xml", gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    call, consultation = only_call(database_url)
    assert call.outcome == "abandoned_in_ars"
    assert call.queue_code is None and call.queued_at is None
    assert consultation.channel == "phone" and consultation.queued_at is None
    assert consultation.outcome == "abandoned_in_ars" and consultation.status == "closed"
    with session_scope(database_url) as s:  # the KPI tables' definitions (ADR 0004)
        total, inflow, abandoned = s.execute(text(
            f"SELECT count(*), sum(CASE WHEN {outcomes.INFLOW_SQL} THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {outcomes.ABANDONED_SQL} THEN 1 ELSE 0 END) "
            f"FROM consultations c WHERE c.channel = 'phone'")).one()
    assert (total, inflow, abandoned) == (1, 0, 1)


async def test_no_input_retries_then_general_queue(gateway_factory, database_url: str) -> None:
    publish_short_flow(database_url, main_menu={"retries": 1})
    gw = await gateway_factory(digit_timeout=0.3)
    result = await run_sipp("caller_wait_hangup.xml", gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    call, _ = only_call(database_url)
    assert call.ars_path.count("no_input") == 2
    assert "retries_exhausted" in call.ars_path
    assert call.queue_code == "general"


async def test_malicious_caller_goes_to_the_dedicated_queue_before_the_menu(
        gateway_factory, database_url: str, db: Session) -> None:
    from dasan.consultations.service import citizen_for_phone
    from dasan.protection.policy import register

    citizen = citizen_for_phone(db, CALLER)
    register(db, citizen.id, "반복 폭언")
    db.commit()
    publish_short_flow(database_url)
    gw = await gateway_factory()
    result = await run_sipp("caller_wait_hangup.xml", gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    call, consultation = only_call(database_url)
    assert call.ars_path == ["caller_check", "q_malicious"]  # no menu was played
    assert call.queue_code == "malicious"
    assert consultation.citizen_id == citizen.id
    assert call.caller_masked == "010-****-5678"


async def test_after_hours_flow_ends_in_the_ars(gateway_factory, database_url: str) -> None:
    closed = {"weekday": None, "saturday": None, "sunday": None, "holiday": None}
    publish_short_flow(database_url, hours=closed)
    gw = await gateway_factory()
    result = await run_sipp("caller_no_media.xml", gw.port)  # waits for the gateway's BYE
    assert result.returncode == 0, result.output
    await settled(gw)
    call, consultation = only_call(database_url)
    assert call.ars_path == ["caller_check", "welfare_check", "hours", "after_hours"]
    assert call.outcome == "abandoned_in_ars" and consultation.queued_at is None
