"""A gateway that stops with calls up closes every one of them on record: the callers get BYE,
each call is `forced_terminated` (`gateway_stop`) with its queue times, and its consultation
is closed. The end steps are queued to the record writer, which writes them all before
`stop` returns (with the writer's batches in a record process of its own too)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from voice_helpers import publish_short_flow, run_sipp

from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope


@pytest.mark.parametrize("db_processes", [0, 1])
async def test_calls_up_when_the_gateway_stops_are_closed_on_record(
        gateway_factory: Any, database_url: str, db_processes: int) -> None:
    if db_processes and database_url.startswith("sqlite"):
        pytest.skip("the record process is for PostgreSQL sites (one run is enough)")
    publish_short_flow(database_url)
    gw = await gateway_factory(db_processes=db_processes)  # no agent phone: calls queue
    callers = [asyncio.create_task(run_sipp("caller_talk_until_bye.xml", gw.port))
               for _ in range(2)]
    for _ in range(400):
        if sum(1 for c in gw.calls.values() if c.stage == "queue") == 2:
            break
        await asyncio.sleep(0.05)
    else:  # say what the callers saw (the queue's calls may have ended another way)
        done = [c.result().output[-800:] for c in callers if c.done() and not c.exception()]
        raise AssertionError(f"calls not queued: {[c.stage for c in gw.calls.values()]}; "
                             f"finished callers said: {done}")
    await asyncio.sleep(1.0)  # the callers' scenario waits for BYE only after 0.7 s of pauses
    await gw.stop()
    for result in await asyncio.gather(*callers):
        assert result.returncode == 0, result.output  # the gateway's BYE ended each call
    with session_scope(database_url) as s:
        rows = s.scalars(select(VoiceCall)).all()
        assert len(rows) == 2
        for call in rows:
            assert (call.outcome, call.end_reason) == ("forced_terminated", "gateway_stop")
            assert call.queue_code == "transport" and call.ars_path
            assert call.queued_at is not None and call.ended_at is not None
            c = s.get(Consultation, call.consultation_id)
            assert c is not None and (c.status, c.outcome) == ("closed", "forced_terminated")
            assert c.queued_at is not None and c.wait_seconds is not None
