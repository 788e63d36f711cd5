"""The live floor's counters (ADR 0010). That they equal the full scan after every commit of
every chat path is checked inside `test_outcome_paths` (it drives every path already)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from dasan.chat import desk, hub
from dasan.db import floor_counters
from dasan.db.models import Consultation


def test_a_core_update_is_counted(db: Session) -> None:
    """What a claim or a release does (a Core UPDATE) moves the counters too."""
    cid = int(hub.open_chat(db).result["consultation_id"])
    assert floor_counters.read(db) == {(0, "bot"): 1}
    db.execute(update(Consultation).where(Consultation.id == cid)
               .values(status="closed", outcome="bot_unresolved"))
    db.commit()
    assert floor_counters.read(db) == floor_counters.scan_counts(db) == {}


def test_overview_counts_come_from_the_counters(db: Session, kb: dict[str, int]) -> None:
    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, cid)
    view = desk.overview(db)
    assert sum(q["waiting"] for q in view["queues"]) == 1
    assert [w["id"] for w in view["waiting"]] == [cid]
    assert view["bot_sessions"] == 0
    hub.citizen_leave(db, cid)
    assert sum(q["waiting"] for q in desk.overview(db)["queues"]) == 0


def test_waits_and_handle_times_carry_sla_colours(db: Session, kb: dict[str, int]) -> None:
    """Issue 11: live SLA colours and thresholds on waits and on handle times."""
    from datetime import timedelta

    from sqlalchemy import select

    from dasan.db.base import utcnow
    from dasan.db.models import Agent

    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, cid)
    c = db.get(Consultation, cid)
    assert c is not None
    view = desk.overview(db)
    assert view["sla"] == {"warn_seconds": 60.0, "alert_seconds": 180.0,
                           "handle_warn_seconds": 600.0, "handle_alert_seconds": 900.0}
    assert [w["sla"] for w in view["waiting"]] == ["ok"]
    for back, colour in ((70, "warn"), (200, "alert")):
        c.queued_at = utcnow() - timedelta(seconds=back)
        db.commit()
        assert [w["sla"] for w in desk.overview(db)["waiting"]] == [colour]
    agent = db.scalars(select(Agent).order_by(Agent.id)).first()
    assert agent is not None
    for back, colour in ((30, "ok"), (700, "warn"), (1000, "alert")):
        c.agent_id, c.answered_at = agent.id, utcnow() - timedelta(seconds=back)
        db.commit()
        live = desk.overview(db)["live"]
        assert [(row["id"], row["sla"]) for row in live] == [(cid, colour)]
        assert back <= live[0]["seconds"] < back + 30
