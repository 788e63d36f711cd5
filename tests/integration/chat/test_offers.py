"""Offer and accept: one agent at a time, timeout -> next agent with the miss on record,
exactly one accept wins, auto-accept per team."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from chat_helpers import is_msg, recv, start, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Team
from dasan.db.models_presence import ContactOffer
from dasan.presence import offers
from dasan.presence import service as presence


def agent(db: Session, no: str) -> Agent:
    a = db.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def offers_only(db: Session) -> None:
    """Every team takes offers (no auto-accept)."""
    for team_id in db.scalars(select(Team.id)):
        offers.set_auto_accept(db, team_id, False)


def test_offer_accept_over_the_desktop_socket(client: Any, kb: dict[str, int], login: Any,
                                              db: Session, citizen_ws: Any) -> None:
    offers_only(db)
    login("agent1")
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with client.websocket_connect("/api/chat/ws/agent") as ws, \
            citizen_ws(cid, token) as cit:
        recv(ws)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        offer = until(ws, lambda e: e["type"] == "offer")
        assert offer["consultation_id"] == cid and offer["timeout_seconds"] > 0
        assert "messages" not in offer and "citizen_id" not in offer["consultation"]
        db.expire_all()
        assert db.get(Consultation, cid).agent_id is None  # type: ignore[union-attr]
        ws.send_json({"type": "accept", "offer_id": offer["offer_id"]})
        assigned = until(ws, lambda e: e["type"] == "assigned")
        assert assigned["consultation"]["id"] == cid
        until(cit, is_msg("system", "연결되었습니다"))
        ws.send_json({"type": "accept", "offer_id": offer["offer_id"]})  # a second click
        err = until(ws, lambda e: e["type"] == "error")
        assert err["status"] == 409 and err["code"] == "offer_gone"
    row = db.get(ContactOffer, offer["offer_id"])
    assert row is not None and row.status == "accepted"


def test_a_missed_offer_goes_to_the_next_agent_and_stays_on_record(client: Any,
                                                                   kb: dict[str, int],
                                                                   login: Any,
                                                                   db: Session) -> None:
    offers_only(db)
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        recv(ws)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        first = until(ws, lambda e: e["type"] == "offer")
        presence.socket_opened(db, a2.id)  # agent2 arrives (say, on another worker)
        hub = client.app.state.chat_hub
        client.portal.call(hub.run, chat_hub.expire_offers, utcnow() + timedelta(minutes=1))
        closed = until(ws, lambda e: e["type"] == "offer_closed")
        assert closed["status"] == "missed" and closed["offer_id"] == first["offer_id"]
        r = client.post(f"/api/chat/offers/{first['offer_id']}/accept")
        assert r.status_code == 409 and r.json()["code"] == "offer_gone"
    db.expire_all()
    rows = list(db.scalars(select(ContactOffer).where(ContactOffer.consultation_id == cid)
                           .order_by(ContactOffer.id)))
    assert [(r.agent_id, r.status) for r in rows] == [(a1.id, "missed"), (a2.id, "pending")]
    login("agent2")
    r = client.post(f"/api/chat/offers/{rows[1].id}/accept")
    assert r.status_code == 200 and r.json()["consultation"]["agent_id"] == a2.id


def test_exactly_one_accept_wins(db: Session, kb: dict[str, int]) -> None:
    offers_only(db)
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    presence.socket_opened(db, a1.id)
    cid = int(chat_hub.open_chat(db).result["consultation_id"])
    chat_hub.request_handoff(db, cid)
    out = chat_hub.run_assignment(db)
    assert out.result == {"assigned": 0, "offered": 1}
    offer_id = db.scalar(select(ContactOffer.id).where(ContactOffer.consultation_id == cid))
    assert offer_id is not None
    with pytest.raises(offers.OfferNotYours):
        chat_hub.accept_offer(db, a2.id, offer_id)

    def accept(_i: int) -> str:
        try:
            chat_hub._session_call(chat_hub.accept_offer, a1.id, offer_id)
        except offers.OfferGone:
            return "gone"
        return "won"

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(accept, range(6)))
    assert results.count("won") == 1 and results.count("gone") == 5
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id == a1.id


def test_two_agents_accepting_offers_of_one_chat_one_wins(db: Session, kb: dict[str, int]
                                                         ) -> None:
    """Two agents each hold an offer of the same chat (a re-offer racing a late accept) and
    accept at once: exactly one gets the chat, the other is told it is gone."""
    offers_only(db)
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    cid = int(chat_hub.open_chat(db).result["consultation_id"])
    chat_hub.request_handoff(db, cid)
    now = utcnow()
    ids = {a.id: offers.make(db, cid, a.id, now, accepted=False).id for a in (a1, a2)}
    db.commit()

    def accept(agent_id: int) -> str:
        try:
            chat_hub._session_call(chat_hub.accept_offer, agent_id, ids[agent_id])
        except offers.OfferGone:
            return "gone"
        return "won"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(ids, pool.map(accept, list(ids)), strict=True))
    assert sorted(results.values()) == ["gone", "won"]
    winner = next(a for a, r in results.items() if r == "won")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id == winner


def test_auto_accept_teams_get_chats_at_once(db: Session, kb: dict[str, int]) -> None:
    offers_only(db)
    a1 = agent(db, "A0001")
    assert a1.team_id is not None
    offers.set_auto_accept(db, a1.team_id, True)
    presence.socket_opened(db, a1.id)
    cid = int(chat_hub.open_chat(db).result["consultation_id"])
    chat_hub.request_handoff(db, cid)
    assert chat_hub.run_assignment(db).result == {"assigned": 1, "offered": 0}
    row = db.scalar(select(ContactOffer).where(ContactOffer.consultation_id == cid))
    assert row is not None and row.status == "accepted" and row.agent_id == a1.id


def test_an_agent_with_a_wrong_clock_sees_the_real_time_left(client: Any, kb: dict[str, int],
                                                             login: Any, db: Session) -> None:
    """Bad input of issue 11: the desktop's clock is wrong. Nothing on the server reads the
    agent's clock (frames carry no time it trusts); the offer says how long is left by the
    server's clock, and its timestamps are RFC 3339 UTC the browser can parse. A desktop that
    reconnects mid-offer gets what is left, not a fresh timeout."""
    from datetime import datetime

    offers_only(db)
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        recv(ws)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        offer = until(ws, lambda e: e["type"] == "offer")
        at = datetime.fromisoformat(offer["expires_at"].replace("Z", "+00:00"))
        assert offer["expires_at"].endswith("Z") and "+00:00Z" not in offer["expires_at"]
        assert abs((at - utcnow()).total_seconds() - offer["timeout_seconds"]) < 5
        assert 0 < offer["remaining_seconds"] <= offer["timeout_seconds"]
        # A frame claiming another time is just a ping: it changes no deadline.
        ws.send_json({"type": "ping", "at": "1999-01-01T00:00:00Z", "now": 0})
    row = db.scalar(select(ContactOffer).where(ContactOffer.consultation_id == cid))
    assert row is not None and row.status == "pending"
    db.expire_all()
    row = db.get(ContactOffer, row.id)
    assert row is not None
    assert abs((row.expires_at - utcnow()).total_seconds() - offer["timeout_seconds"]) < 5
    row.expires_at = utcnow() + timedelta(seconds=7)  # most of the offer's time has gone
    db.commit()
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        hello = recv(ws)
        again = [o for o in hello["offers"] if o["offer_id"] == row.id]
        assert again and 5 <= again[0]["remaining_seconds"] <= 7
        assert again[0]["timeout_seconds"] > 7
