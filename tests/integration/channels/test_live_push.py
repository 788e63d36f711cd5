"""Written threads are pushed to the agent desktop (typed `written` events over its socket,
no polling), and the HTTP SMS gateway's batches are taken in one transaction."""

from __future__ import annotations

import json
from typing import Any

import anyio
from sms_signing import signed
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.chat.events import validate
from dasan.db.models import Agent, User
from dasan.db.models_channels import WrittenThread

SECRET = "test-sms-webhook-secret-0123"


def _post(client: Any, path: str, data: dict[str, Any]) -> Any:
    body = json.dumps(data, ensure_ascii=False).encode()
    return client.post(f"/api/channels/sms/{path}", content=body,
                       headers={"Content-Type": "application/json", **signed(body, SECRET)})


def _recv(ws: Any) -> dict[str, Any]:
    async def receive() -> Any:
        with anyio.fail_after(20):
            return await ws._send_rx.receive()

    message = ws.portal.call(receive)
    ws._raise_on_close(message)
    return dict(json.loads(message["text"]))


def _written(ws: Any, change: str, thread_id: int) -> dict[str, Any]:
    for _ in range(100):
        event = _recv(ws)
        if event["type"] == "written" and event["change"] == change \
                and event["thread_id"] == thread_id:
            validate(event)  # the event's class fits
            return event
    raise AssertionError(f"no written {change} event for thread {thread_id}")


def test_desktop_hears_new_messages_claims_answers_and_closes(
        client: Any, db: Session, login: Any, channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SECRET)
    agent2 = db.scalar(select(Agent.id).join(User, User.id == Agent.user_id)
                       .where(User.username == "agent2"))
    login("agent1")
    with client.websocket_connect("/api/chat/ws/agent") as desk:
        assert _recv(desk)["type"] == "hello"
        r = _post(client, "inbound", {"message_id": "push-1", "from": "01023456789",
                                      "to": "120", "text": "우리 동네 공사 소음 언제 끝나요 010-1111-2222"})
        assert r.status_code == 200, r.text
        tid = r.json()["thread_id"]
        event = _written(desk, "message", tid)
        assert event["direction"] == "in" and event["status"] == "open"
        assert "소음" not in json.dumps(event, ensure_ascii=False)  # ids only, never the text
        assert "2222" not in json.dumps(event)
        login("agent2")  # another desktop claims and answers: agent1's desktop is told
        assert client.post(f"/api/channels/threads/{tid}/claim").status_code == 200
        assert _written(desk, "claimed", tid)["claimed_by_agent_id"] == agent2
        assert client.post(f"/api/channels/threads/{tid}/reply",
                           json={"text": "확인해 드리겠습니다."}).status_code == 201
        assert _written(desk, "replied", tid)["direction"] == "out"
        r = _post(client, "inbound", {"message_id": "push-2", "from": "01023456789",
                                      "to": "120", "text": "감사합니다 언제쯤일까요"})
        assert r.json()["thread_id"] == tid
        assert _written(desk, "message", tid)["status"] == "claimed"  # back in agent2's work
        assert client.post(f"/api/channels/threads/{tid}/close").status_code == 200
        assert _written(desk, "closed", tid)["status"] == "closed"
        # A refused step changes nothing and pushes nothing: the next event is the next change.
        assert client.post(f"/api/channels/threads/{tid}/close").status_code == 409
        r = _post(client, "inbound", {"message_id": "push-3", "from": "01099998888",
                                      "to": "120", "text": "다른 문의입니다"})
        nxt = _recv(desk)
        while nxt["type"] != "written":
            nxt = _recv(desk)
        assert nxt["thread_id"] == r.json()["thread_id"] and nxt["change"] == "message"


def test_sms_batch_is_taken_whole_or_not_at_all(client: Any, db: Session,
                                                 channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SECRET)
    batch = [{"message_id": f"bat-{i}", "from": f"0105555000{i}", "to": "120",
              "text": f"공사 소음 문의 {i}번입니다"} for i in range(5)]
    bad = [*batch[:4], {"message_id": "bat-x", "from": "12", "to": "120", "text": "x"}]
    r = _post(client, "inbound", {"messages": bad})
    assert r.status_code == 422, r.text  # one bad message refuses the batch
    assert db.scalar(select(func.count(WrittenThread.id))) == 0
    assert _post(client, "inbound", {"messages": []}).status_code == 422
    r = _post(client, "inbound", {"messages": [*batch, batch[0]]})  # a repeat inside the batch
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == 6 and [x["duplicate"] for x in results] == [False] * 5 + [True]
    assert len({x["thread_id"] for x in results[:5]}) == 5
    assert db.scalar(select(func.count(WrittenThread.id))) == 5
    r = _post(client, "receipts", {"receipts": [{"ref": "nope:0", "status": "delivered"},
                                                {"message_id": "nope", "status": "failed"}]})
    assert r.status_code == 200 and r.json() == {"matched": [False, False]}
    single = _post(client, "receipts", {"ref": "nope:0", "status": "delivered"})
    assert single.json() == {"matched": False}
