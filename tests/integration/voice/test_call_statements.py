"""The database work of one call is pinned: a returning caller goes through the ARS (key 1),
waits in the transport queue, is answered by an agent's phone, hangs up, and the agent's
wrap-up ends. Every SQL statement the gateway runs for it is counted (an SQLAlchemy event on
the engine), so a change that adds per-call queries fails here instead of showing up as
setup and jitter tails under load (ADR 0006, seventh pass). Before that pass the same call
ran 58 statements; the budget below is what it runs now plus a small margin."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from voice_helpers import (
    CALLER,
    SCENARIOS,
    agent_phone,
    publish_short_flow,
    run_sipp,
    settled,
)

from dasan.chat.hub import agent_channel
from dasan.consultations.service import citizen_for_phone
from dasan.db.base import utcnow
from dasan.db.models_presence import AgentPresence
from dasan.db.models_voice import VoiceCall
from dasan.db.session import get_engine, session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# One answered ARS call of a returning caller: open 4, ARS exit 2, roster 5 (one read), offer
# claim 7, answer 3, end 8, end of wrap-up 5 = 34.
STATEMENT_BUDGET = 36


async def test_an_answered_ars_call_runs_a_pinned_number_of_sql_statements(
        gateway_factory: Any, database_url: str, tmp_path: Path) -> None:
    # caller_talk.xml with one second of talk instead of six (the talk costs no SQL)
    scenario = tmp_path / "caller_talk_short.xml"
    text = (SCENARIOS / "caller_talk.xml").read_text()
    assert '<pause milliseconds="6000"/>' in text
    scenario.write_text(text.replace('<pause milliseconds="6000"/>', '<pause milliseconds="1000"/>'))
    publish_short_flow(database_url)
    agent_id, port = agent_phone(database_url, "A0001")  # transport skill
    with session_scope(database_url) as s:  # a returning caller, an agent seen before
        citizen_for_phone(s, CALLER)
        if s.get(AgentPresence, agent_id) is None:
            s.add(AgentPresence(agent_id=agent_id, sockets=0, last_seen_at=utcnow()))
    gw = await gateway_factory(wrap_up_seconds=0.0)
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await gw.pubsub.subscribe(agent_channel(agent_id), events)
    statements: list[str] = []
    main = threading.main_thread()

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        # The test's own queries run on the loop thread; the gateway never queries there.
        # The center-wide callback poll (once a second, whatever the calls) is not per call.
        if threading.current_thread() is not main and "FROM voice_callbacks" not in statement:
            statements.append(" ".join(statement.split())[:120])

    engine = get_engine(database_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        phone = asyncio.create_task(run_sipp("agent_phone.xml", gw.port, uas_port=port))
        await asyncio.sleep(0.3)  # the phone's socket is bound
        caller = await run_sipp(str(scenario), gw.port)
        assert caller.returncode == 0, caller.output
        assert (await phone).returncode == 0
        await settled(gw)
        while True:  # the wrap-up (0 s here) ends: the agent is available again
            ev = await asyncio.wait_for(events.get(), 30)
            if ev["type"] == "presence" and ev["state"] == "available":
                break
        await asyncio.sleep(0.1)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.agent_id == agent_id
    listing = "\n".join(statements)
    assert any(s.startswith("INSERT INTO voice_calls") for s in statements), listing
    assert any(s.startswith("UPDATE agents SET state") for s in statements), listing
    assert len(statements) <= STATEMENT_BUDGET, (
        f"{len(statements)} SQL statements for one call (budget {STATEMENT_BUDGET}):\n{listing}")
