"""Citizen chat tokens: never in a URL, bound to one chat, expiring with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from dasan.chat.service import TOKEN_GRACE_AFTER_CLOSE, ChatError, authorize_citizen
from dasan.db.base import utcnow
from dasan.db.models import Consultation


def _refusal(ws: Any) -> tuple[str, int]:
    """The error frame's code and the close code that follows it."""
    code = ws.receive_json()["code"]
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return code, closed.value.code


def test_socket_takes_the_token_from_the_first_frame_only(client: Any, citizen_ws: Any) -> None:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    cid, token = r.json()["consultation_id"], r.json()["token"]
    # A valid token in the URL is refused: access logs keep URLs.
    with client.websocket_connect(f"/api/chat/ws/citizen/{cid}?token={token}") as ws:
        assert _refusal(ws) == ("chat_token_in_url", 4401)
    with client.websocket_connect(f"/api/chat/ws/citizen/{cid}") as ws:
        ws.send_json({"type": "message", "body": "안녕하세요"})  # no auth frame first
        assert _refusal(ws) == ("chat_token_invalid", 4401)
    with client.websocket_connect(f"/api/chat/ws/citizen/{cid}") as ws:
        ws.send_json({"type": "auth", "token": token + "x"})
        assert _refusal(ws) == ("chat_token_invalid", 4401)
    with citizen_ws(cid, token) as ws:
        assert ws.receive_json()["type"] == "state"


def test_token_expires_with_its_chat(db: Session, client: Any) -> None:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    cid, token = r.json()["consultation_id"], r.json()["token"]
    authorize_citizen(db, token, cid)  # open chat: fine
    c = db.get(Consultation, cid)
    assert c is not None
    c.status, c.ended_at = "closed", utcnow()
    db.commit()
    authorize_citizen(db, token, cid)  # just ended: the grace for feedback
    later = utcnow() + TOKEN_GRACE_AFTER_CLOSE + timedelta(minutes=1)
    with pytest.raises(ChatError) as expired:
        authorize_citizen(db, token, cid, now=later)
    assert (expired.value.status, expired.value.code) == (401, "chat_token_expired")
    with pytest.raises(ChatError) as other:
        authorize_citizen(db, token, cid + 1)
    assert other.value.status == 403


def test_a_typed_phone_number_never_opens_history(client: Any, login: Any, db: Session) -> None:
    from dasan.consultations.service import citizen_for_phone

    citizen = citizen_for_phone(db, "01012345678")
    db.add(Consultation(citizen_id=citizen.id, channel="phone", started_at=utcnow(),
                        subject="예전 상담", outcome="answered", status="closed"))
    db.commit()
    r = client.post("/api/chat/sessions", json={"language": "ko", "phone": "010-1234-5678"})
    cid = r.json()["consultation_id"]
    login("supervisor")
    d = client.get(f"/api/chat/consultations/{cid}").json()
    assert d["history"] == []
    assert d["identity"] == {"verified": False, "phone_masked": citizen.phone_masked}
    # The same citizen with a verified identity (say, the network's caller id) sees it.
    c = db.get(Consultation, cid)
    assert c is not None and c.citizen_id == citizen.id
    c.identity_verified = True
    db.commit()
    d = client.get(f"/api/chat/consultations/{cid}").json()
    assert [h["subject"] for h in d["history"]] == ["예전 상담"]
    assert d["history"][0]["channel_ko"] == "전화"  # named in Korean on the desktop, not "phone"
    assert d["identity"]["verified"] is True
