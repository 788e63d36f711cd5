"""The call records' single writer (`dasan.voice.records`): steps queued while the writer is
busy are written as one batch in one transaction, in the order they were queued; a step
written behind (nobody awaits it) is still applied before the steps queued after it; a
failing step does not cost the others; and `close` writes everything queued before it."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan.db.models import Agent, Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.voice import calls
from dasan.voice.agents import set_endpoint
from dasan.voice.flows.engine import FlowResult
from dasan.voice.records import RecordWriter, batchable, run_batch

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TRANSPORT = FlowResult(kind="queue", path=["menu", "key:1"], digits=["1"], queue="transport")


@batchable
def _hold(session: Session, gate: threading.Event) -> None:
    """A step that keeps the writer busy until the test opens the gate."""
    assert gate.wait(10)


@batchable
def _fail(session: Session) -> None:
    session.execute(update(Consultation).values(subject="must be rolled back"))
    raise RuntimeError("a broken step")


def _phone_agent(url: str, employee_no: str) -> int:
    with session_scope(url) as s:
        set_endpoint(s, employee_no, f"sip:{employee_no}@127.0.0.1:5099")
        s.execute(update(Agent).where(Agent.employee_no == employee_no)
                  .values(state="available"))
        agent_id = s.scalar(select(Agent.id).where(Agent.employee_no == employee_no))
    assert agent_id is not None
    return agent_id


async def test_a_calls_steps_queued_together_are_one_batch_and_its_record_is_complete(
        database_url: str) -> None:
    agent_id = _phone_agent(database_url, "A0001")
    writer = RecordWriter(database_url)
    await writer.start()
    try:
        opened = await writer.run(calls.open_call, "rec-1@test", "01012345678", "120")
        batches = writer.stats.batches
        gate = threading.Event()
        writer.post(_hold, gate)  # the writer is busy: the call's steps queue up behind it
        await asyncio.sleep(0.05)
        writer.post(calls.ars_done, opened.call_id, TRANSPORT, "default", 1, "PCMA")
        offer = writer.submit(calls.offered, opened.call_id, agent_id)
        writer.post(calls.answered, opened.call_id, agent_id, ("caller.wav", "agent.wav"))
        end = writer.submit(calls.ended, opened.call_id, "answered", "normal",
                            talked_agent=agent_id, wrap_up_seconds=30.0)
        assert not offer.done()
        gate.set()
        events = await end
        assert (await offer) is not None  # the claim saw the ARS exit queued before it
        assert [e.state for e in events] == ["after_call_work"]
        # the hold step, then the four steps of the call in one transaction
        assert writer.stats.batches - batches == 2 and writer.stats.largest == 4
    finally:
        await writer.close()
    with session_scope(database_url) as s:
        call = s.get(VoiceCall, opened.call_id)
        assert call is not None
        c = s.get(Consultation, call.consultation_id)
        assert c is not None and call.arrived_at is not None
        assert call.ars_path == ["menu", "key:1"] and call.queue_code == "transport"
        assert call.codec == "PCMA" and call.flow_name == "default"
        assert call.queued_at is not None and call.offered_at is not None
        assert call.answered_at is not None and call.ended_at is not None
        assert call.arrived_at <= call.queued_at <= call.offered_at <= call.answered_at \
            <= call.ended_at
        assert (call.outcome, call.end_reason, call.agent_id) == ("answered", "normal",
                                                                   agent_id)
        assert call.recording_caller == "caller.wav" and call.recording_agent == "agent.wav"
        assert (c.status, c.outcome, c.agent_id, c.ars_option) == ("closed", "answered",
                                                                   agent_id, "1")
        assert c.queue_id is not None and c.handle_seconds is not None
        assert s.get(Agent, agent_id).state == "after_call_work"  # type: ignore[union-attr]


async def test_a_failing_step_costs_only_itself(database_url: str) -> None:
    writer = RecordWriter(database_url)
    await writer.start()
    try:
        first = await writer.run(calls.open_call, "rec-a@test", "", "120")
        gate = threading.Event()
        writer.post(_hold, gate)
        await asyncio.sleep(0.05)
        second = writer.submit(calls.open_call, "rec-b@test", "", "120")
        broken = writer.submit(_fail)
        end = writer.submit(calls.ended, first.call_id, "abandoned_in_ars", "normal")
        gate.set()
        with pytest.raises(RuntimeError, match="a broken step"):
            await broken
        assert (await end) == [] and (await second).call_id != first.call_id
        assert writer.stats.errors == 1
    finally:
        await writer.close()
    with session_scope(database_url) as s:
        rows = s.execute(select(VoiceCall.sip_call_id, VoiceCall.outcome)
                         .order_by(VoiceCall.id)).all()
        assert [tuple(r) for r in rows] == [("rec-a@test", "abandoned_in_ars"),
                                            ("rec-b@test", "open")]
        assert s.scalar(select(Consultation.id).where(
            Consultation.subject == "must be rolled back")) is None


async def test_close_writes_every_step_queued_before_it(database_url: str) -> None:
    """The gateway stops while the writer is busy and steps wait in its queue: `close` returns
    only once they are all committed (none is lost)."""
    writer = RecordWriter(database_url)
    await writer.start()
    opened = [await writer.run(calls.open_call, f"rec-{i}@test", "", "120") for i in range(3)]
    gate = threading.Event()
    writer.post(_hold, gate)
    await asyncio.sleep(0.05)
    for o in opened:
        writer.post(calls.ended, o.call_id, "abandoned_in_ars", "gateway_stop",
                    at=datetime(2026, 12, 3, 9, 0))
    closing = asyncio.create_task(writer.close())
    await asyncio.sleep(0.1)
    assert not closing.done()  # still writing
    gate.set()
    await asyncio.wait_for(closing, 10)
    with pytest.raises(RuntimeError):
        writer.post(calls.ended, opened[0].call_id, "answered", "late")
    with session_scope(database_url) as s:
        assert s.scalars(select(VoiceCall.end_reason).order_by(VoiceCall.id)).all() == [
            "gateway_stop"] * 3
        assert s.scalars(select(Consultation.status)).all() == ["closed"] * 3


def test_run_batch_returns_each_steps_result_in_order(database_url: str) -> None:
    results = run_batch(database_url, [
        (calls.open_call, ("rec-x@test", "", "120"), {}, 1),
        (_fail, (), {}, 1),
        (calls.waiting_callbacks, (), {}, 1)])
    assert [ok for ok, _ in results] == [True, False, True]
    assert results[0][1].call_id > 0 and results[2][1] == []


def test_a_call_cut_short_at_stop_is_closed_by_its_sip_call_id(db: Session) -> None:
    """`calls.stopped`: the gateway stopped before the call's end step was queued and before
    its open step's answer came back: the record is found by SIP Call-ID, closed by where
    the call was (here, in the queue)."""
    opened = calls.open_call(db, "cut-short@test", "", "120")
    calls.ars_done(db, opened.call_id, TRANSPORT, "default", 1, "PCMA")
    assert calls.stopped(db, None, "cut-short@test", None, "gateway_stop") == []
    assert calls.stopped(db, opened.call_id, "cut-short@test", None, "again") is None
    db.commit()
    call = db.get(VoiceCall, opened.call_id)
    assert call is not None and (call.outcome, call.end_reason) == ("abandoned_in_queue",
                                                                     "gateway_stop")


def test_later_steps_of_a_batch_see_the_ars_exit(db: Session) -> None:
    """The ARS exit is two Core UPDATEs: a copy of the rows the batch's session already holds
    (an earlier step loaded it, as the screen pop's history does) is not read stale."""
    opened = calls.open_call(db, "same-batch@test", "01012345678", "120")
    c = db.get(Consultation, opened.consultation_id)
    call = db.get(VoiceCall, opened.call_id)
    assert c is not None and call is not None and c.queued_at is None
    calls.ars_done(db, opened.call_id, TRANSPORT, "default", 1, "PCMA")
    assert c.queued_at is not None and (c.ars_option, c.priority) == ("1", 0)
    assert call.queue_code == "transport" and call.ars_path == ["menu", "key:1"]
