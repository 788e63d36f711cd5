"""Sign-language video consultations (수어 상담, ADR 0015): they queue in the 수어 queue for
signers only, are offered like chats, are answered only when the agent's media connects, and
end with the outcomes of ADR 0004. Signalling is relayed as typed `rtc` events by the room
(both databases; the socket path through the web layer too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from chat_helpers import recv, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import events, hub, idle, sign
from dasan.chat.service import ChatError
from dasan.config import get_settings
from dasan.consultations import outcomes as oc
from dasan.db import floor_counters
from dasan.db.base import utcnow
from dasan.db.models import Agent, AgentSkill, Consultation, Queue, Skill
from dasan.presence import service as presence

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def agent(s: Session, no: str) -> Agent:
    a = s.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def signs(s: Session, a: Agent) -> bool:
    skill = s.scalar(select(Skill.id).where(Skill.code == "sign_language"))
    return s.scalar(select(AgentSkill.agent_id).where(
        AgentSkill.agent_id == a.id, AgentSkill.skill_id == skill)) is not None


def _offline(s: Session) -> None:
    for a in s.scalars(select(Agent)):
        a.state = "offline"
    s.commit()


def opened(s: Session) -> int:
    return int(sign.open_sign(s).result["consultation_id"])


def live_with(s: Session, a: Agent) -> int:
    presence.socket_opened(s, a.id)
    cid = opened(s)
    hub.run_assignment(s)  # the test teams auto-accept: assigned at once
    c = s.get(Consultation, cid)
    assert c is not None
    s.refresh(c)
    assert c.agent_id == a.id
    return cid


def test_it_queues_for_signers_only_and_takes_the_agent_whole(db: Session) -> None:
    _offline(db)
    signer, other = agent(db, "A0001"), agent(db, "A0003")
    assert signs(db, signer) and not signs(db, other)
    presence.socket_opened(db, other.id)
    cid = opened(db)
    c = db.get(Consultation, cid)
    assert c is not None
    queue = db.get(Queue, c.queue_id)
    assert (c.channel, queue and queue.code, c.status) == ("sign_language", "sign_language",
                                                          "open")
    assert c.queued_at is not None and c.answered_at is None
    assert hub.run_assignment(db).result == {"assigned": 0, "offered": 0}  # nobody signs

    # A signer with a chat open is not given a video call (it takes the agent whole).
    presence.socket_opened(db, signer.id)
    chat = int(hub.open_chat(db).result["consultation_id"])
    busy = db.get(Consultation, chat)
    assert busy is not None
    busy.agent_id, busy.queue_id, busy.channel = signer.id, c.queue_id, "web"
    db.commit()
    assert hub.run_assignment(db).result["assigned"] == 0
    hub.close_chat(db, signer, chat, None, None)

    hub.run_assignment(db)
    db.refresh(c)
    assert c.agent_id == signer.id and c.answered_at is None  # accepted is not answered
    # On a video call the agent has no room for anything else (presence: one call).
    assert presence.capacity_for(db, signer, "web") == 0
    assert floor_counters.read(db) == floor_counters.scan_counts(db)
    hub.citizen_leave(db, cid)
    _offline(db)


def answered_then_agent_wraps_up(s: Session) -> tuple[int, bool]:
    a = agent(s, "A0001")
    cid = live_with(s, a)
    assert sign.media_connected(s, a.id, cid).result == {"answered": True}
    assert sign.media_connected(s, a.id, cid).result == {"answered": False}  # once only
    hub.close_chat(s, a, cid, "수어로 여권 재발급 안내 010-1234-5678", "행정")
    return cid, True


def answered_then_citizen_leaves(s: Session) -> tuple[int, bool]:
    a = agent(s, "A0001")
    cid = live_with(s, a)
    sign.media_connected(s, a.id, cid)
    hub.citizen_leave(s, cid)
    return cid, True


def accepted_but_media_never_connected(s: Session) -> tuple[int, bool]:
    cid = live_with(s, agent(s, "A0001"))
    hub.citizen_leave(s, cid)
    return cid, False


def left_in_the_queue(s: Session) -> tuple[int, bool]:
    cid = opened(s)  # nobody present
    hub.citizen_leave(s, cid)
    return cid, False


def closed_the_page_while_waiting(s: Session) -> tuple[int, bool]:
    cid = opened(s)
    idle.citizen_connected(s, cid)
    idle.citizen_disconnected(s, cid)
    idle.sweep_citizens(s, utcnow() + timedelta(minutes=5))
    return cid, False


def agent_ends_before_media(s: Session) -> tuple[int, bool]:
    a = agent(s, "A0001")
    cid = live_with(s, a)
    hub.close_chat(s, a, cid, None, None)
    return cid, False


PATHS: dict[str, tuple[Callable[[Session], tuple[int, bool]], str]] = {
    "answered, agent wraps up": (answered_then_agent_wraps_up, oc.ANSWERED),
    "answered, citizen leaves": (answered_then_citizen_leaves, oc.ANSWERED),
    "accepted, media never connected": (accepted_but_media_never_connected,
                                        oc.ABANDONED_AFTER_OFFER),
    "citizen left in the queue": (left_in_the_queue, oc.ABANDONED_IN_QUEUE),
    "page closed while waiting": (closed_the_page_while_waiting, oc.ABANDONED_IN_QUEUE),
    "agent ends before media": (agent_ends_before_media, oc.FORCED_TERMINATED),
}


@pytest.mark.parametrize("name", list(PATHS))
def test_outcomes_and_handle_time(db: Session, name: str) -> None:
    _offline(db)
    path, expected = PATHS[name]
    cid, answered = path(db)
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None
    assert (c.channel, c.status, c.outcome) == ("sign_language", "closed", expected)
    assert oc.is_answered(c.answered_at, c.outcome) is answered
    assert (c.handle_seconds is not None) is answered
    assert (c.wait_seconds is not None) is answered
    if name == "answered, agent wraps up":  # wrap-up as on chat, masked
        assert c.category == "행정" and c.summary and "1234-5678" not in c.summary
    assert floor_counters.read(db) == floor_counters.scan_counts(db)
    _offline(db)


def test_a_live_video_call_is_not_idle_closed(db: Session) -> None:
    _offline(db)
    a = agent(db, "A0001")
    cid = live_with(db, a)
    sign.media_connected(db, a.id, cid)
    hub.agent_message(db, a, cid, "영상으로 안내해 드릴게요.", None)
    later = utcnow() + timedelta(hours=3)
    idle.sweep_citizens(db, later)
    idle.sweep_citizens(db, later + timedelta(hours=1))
    c = db.get(Consultation, cid)
    assert c is not None
    db.refresh(c)
    assert c.status == "open"  # the citizen signs on camera: silence in text is normal
    hub.citizen_leave(db, cid)
    _offline(db)


def test_signalling_is_relayed_typed_and_refused_when_wrong(db: Session) -> None:
    _offline(db)
    a, other = agent(db, "A0001"), agent(db, "A0002")
    waiting = opened(db)
    with pytest.raises(ChatError) as err:  # nobody to call yet
        sign.signal(db, waiting, "citizen", None, {"kind": "restart"})
    assert err.value.status == 409
    hub.citizen_leave(db, waiting)
    cid = live_with(db, a)
    out = sign.signal(db, cid, "agent", a.id, {"kind": "offer", "sdp": SDP, "x": 1})
    [(channel, event)] = out.events
    assert channel == hub.consult_channel(cid)
    assert events.validate(event).model_dump() == {
        "type": "rtc", "consultation_id": cid, "sender": "agent", "kind": "offer", "sdp": SDP,
        "candidate": None}
    assert events.for_citizen(event) == event  # the citizen's socket receives it
    ice = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
           "sdpMid": "0", "sdpMLineIndex": 0, "extra": "dropped"}
    [(_ch, ev)] = sign.signal(db, cid, "citizen", None, {"kind": "ice", "candidate": ice}).events
    assert ev["candidate"] == {k: ice[k] for k in ("candidate", "sdpMid", "sdpMLineIndex")}
    bad: list[tuple[str, int | None, dict[str, Any], int]] = [
        ("agent", other.id, {"kind": "offer", "sdp": SDP}, 403),  # not this agent's
        ("citizen", None, {"kind": "dance"}, 400),
        ("citizen", None, {"kind": "answer", "sdp": "hello"}, 400),
        ("citizen", None, {"kind": "answer", "sdp": "v=0" + "x" * 20_000}, 400),
        ("citizen", None, {"kind": "ice", "candidate": "a string"}, 400),
    ]
    for sender, agent_id, frame, status in bad:
        with pytest.raises(ChatError) as err:
            sign.signal(db, cid, sender, agent_id, frame)
        assert err.value.status == status, frame
    with pytest.raises(ChatError) as err:  # only the agent it is with reports media
        sign.media_connected(db, other.id, cid)
    assert err.value.status == 403
    chat = int(hub.open_chat(db).result["consultation_id"])
    with pytest.raises(ChatError) as err:  # a text chat has no video call
        sign.signal(db, chat, "citizen", None, {"kind": "restart"})
    assert err.value.status == 409
    c = db.get(Consultation, cid)
    assert c is not None and c.answered_at is None  # signalling answered nothing
    hub.citizen_leave(db, cid)
    hub.citizen_leave(db, chat)
    _offline(db)


def test_turn_credentials_follow_coturn_rest_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import hashlib
    import hmac

    monkeypatch.setenv("DASAN_RTC_STUN_URLS", "stun:turn.example.org:3478")
    monkeypatch.setenv("DASAN_RTC_TURN_URLS",
                       "turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349")
    monkeypatch.delenv("DASAN_RTC_TURN_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(ChatError) as err:  # TURN without its secret is a setup error
            sign.ice_servers()
        assert err.value.status == 503
        monkeypatch.setenv("DASAN_RTC_TURN_SECRET", "north-seoul-secret")
        monkeypatch.setenv("DASAN_RTC_TURN_TTL_SECONDS", "600")
        get_settings.cache_clear()
        stun, turn = sign.ice_servers(now=1_000_000)
        assert stun == {"urls": ["stun:turn.example.org:3478"]}
        assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp",
                                "turns:turn.example.org:5349"]
        assert turn["username"] == "1000600:dasan"
        expected = base64.b64encode(hmac.new(b"north-seoul-secret", b"1000600:dasan",
                                             hashlib.sha1).digest()).decode()
        assert turn["credential"] == expected
    finally:
        get_settings.cache_clear()


def test_the_call_over_the_sockets(client: Any, login: Any, db: Session,
                                   citizen_ws: Any) -> None:
    """Through the web layer: start, offer by the agent's desk, answer and ICE from the
    citizen, media connected -> answered; nobody gets their own signalling back."""
    _offline(db)
    login("agent1")
    r = client.post("/api/sign/sessions", json={"language": "ko"})
    assert r.status_code == 201, r.text
    data = r.json()
    cid, token = int(data["consultation_id"]), data["token"]
    assert data["ice_servers"] == [] and data["phase"] == "waiting"
    assert client.get("/api/sign/ice-servers").json() == {"ice_servers": []}
    with client.websocket_connect("/api/chat/ws/agent") as desk, citizen_ws(cid, token) as cit:
        assert recv(desk)["type"] == "hello"
        state = until(cit, lambda e: e["type"] == "state")["consultation"]
        assert state["channel"] == "sign_language" and "agent_id" not in state
        assigned = until(desk, lambda e: e["type"] == "assigned")
        assert assigned["consultation"]["channel"] == "sign_language"
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "live")
        cit.send_json({"type": "rtc", "kind": "offer", "sdp": SDP})  # may not be live yet
        desk.send_json({"type": "rtc", "consultation_id": cid, "kind": "offer", "sdp": SDP})
        offer = until(cit, lambda e: e["type"] == "rtc")
        assert (offer["sender"], offer["kind"], offer["sdp"]) == ("agent", "offer", SDP)
        cit.send_json({"type": "rtc", "kind": "answer", "sdp": SDP})
        cit.send_json({"type": "rtc", "kind": "ice", "candidate": {
            "candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0"}})
        seen: list[dict[str, Any]] = []
        until(desk, lambda e: e["type"] == "rtc" and e["kind"] == "ice", seen)
        rtc = [e for e in seen if e["type"] == "rtc"]
        assert [e["sender"] for e in rtc] == ["citizen"] * len(rtc)  # no echo of the offer
        assert [e["kind"] for e in rtc][-2:] == ["answer", "ice"]
        cit.send_json({"type": "rtc", "kind": "warp"})
        err = until(cit, lambda e: e["type"] == "error")
        assert (err["status"], err["code"]) == (400, "rtc_invalid")
        desk.send_json({"type": "rtc_connected", "consultation_id": cid})
        until(cit, lambda e: e["type"] == "message" and e["flags"].get("kind")
              == "media_connected")
        c = db.get(Consultation, cid)
        assert c is not None
        db.refresh(c)
        assert c.answered_at is not None and c.agent_id == agent(db, "A0001").id
        wrap = client.get(f"/api/chat/consultations/{cid}/wrapup")
        assert wrap.status_code == 200, wrap.text  # the desk's wrap-up, as on a chat
        cit.send_json({"type": "leave"})
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "closed")
    db.refresh(c)
    assert (c.status, c.outcome) == ("closed", oc.ANSWERED) and c.handle_seconds is not None
    _offline(db)
