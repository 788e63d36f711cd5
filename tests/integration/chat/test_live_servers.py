"""Real uvicorn processes: a restart loses and duplicates nothing; two workers share chats
through Redis pub/sub."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_helpers import free_port, prepare_database, start_server, stop_server
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from websockets.sync.client import ClientConnection, connect

from dasan.db.models import Message

Event = dict[str, Any]
GUARD = 90.0  # seconds before a missing event fails the test instead of hanging it


def read_until(ws: ClientConnection, pred: Callable[[Event], bool],
               seen: list[Event] | None = None) -> Event:
    for _ in range(300):
        event = json.loads(ws.recv(timeout=GUARD))
        if seen is not None:
            seen.append(event)
        if pred(event):
            return dict(event)
    raise AssertionError("expected event never came")


def start_chat(base: str) -> tuple[int, str]:
    r = httpx.post(f"{base}/api/chat/sessions", json={"language": "ko"}, timeout=30)
    assert r.status_code == 201, r.text
    return int(r.json()["consultation_id"]), str(r.json()["token"])


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    prepare_database(url)
    return url


def test_restart_resumes_without_loss_or_duplicates(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_EMBEDDER": "none"}
    server = start_server(port, env, tmp_path / "one.log")
    try:
        cid, token = start_chat(base)
        got: dict[int, Event] = {}
        with connect(ws_url(base, f"/api/chat/ws/citizen/{cid}")) as ws:
            ws.send(json.dumps({"type": "auth", "token": token}))
            ws.send(json.dumps({"type": "message", "body": "따릉이 요금이 얼마예요?",
                                "client_msg_id": "m-1"}))
            seen: list[Event] = []
            # The bot's reply to m-1 (greeting is seq 1, m-1 is seq 2).
            read_until(ws, lambda e: e["type"] == "message" and e["sender"] == "bot"
                       and e["seq"] > 2, seen)
            for e in seen:
                if e["type"] == "message":
                    got[e["seq"]] = e
            # Fire one more message and crash the server before its ack is read.
            ws.send(json.dumps({"type": "message", "body": "수도 요금은 어디서 내요?",
                                "client_msg_id": "m-2"}))
            stop_server(server)
        server = start_server(port, env, tmp_path / "two.log")
        last = max(got)
        with connect(ws_url(base, f"/api/chat/ws/citizen/{cid}")) as ws:
            ws.send(json.dumps({"type": "auth", "token": token, "after_seq": last}))
            # The client does not know whether m-2 arrived: it resends with the same id.
            ws.send(json.dumps({"type": "message", "body": "수도 요금은 어디서 내요?",
                                "client_msg_id": "m-2"}))
            seen = []
            ack = read_until(ws, lambda e: e["type"] == "ack", seen)

            def water_answer(e: Event) -> bool:  # the bot's reply to m-2
                return e["type"] == "message" and e["sender"] == "bot" and e["seq"] > ack["seq"]

            # The bot's answer may already have been in the backlog (before the ack).
            if not any(water_answer(e) for e in seen):
                read_until(ws, water_answer, seen)
            ws.send(json.dumps({"type": "ping"}))
            read_until(ws, lambda e: e["type"] == "pong", seen)
        for e in seen:
            if e["type"] == "message":
                assert e["seq"] not in got, f"seq {e['seq']} delivered twice"
                got[e["seq"]] = e
        engine = create_engine(db_url)
        with Session(engine) as s:
            stored = list(s.execute(select(Message.seq, Message.client_msg_id)
                                    .where(Message.consultation_id == cid)
                                    .order_by(Message.seq)))
            copies = s.scalar(select(func.count(Message.id)).where(
                Message.consultation_id == cid, Message.client_msg_id == "m-2"))
        engine.dispose()
        assert copies == 1
        assert sorted(got) == [seq for seq, _ in stored]  # every message, exactly once
        assert ack["seq"] == next(seq for seq, ref in stored if ref == "m-2")
    finally:
        stop_server(server)


@pytest.fixture
def two_workers(db_url: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": redis_url,
           "DASAN_CHAT_ASSIGN_INTERVAL": "1", "DASAN_EMBEDDER": "none"}
    ports = [free_port(), free_port()]
    procs = []
    try:
        for i, port in enumerate(ports):
            procs.append(start_server(port, env, tmp_path / f"worker{i}.log"))
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    finally:
        for p in procs:
            stop_server(p)


@pytest.mark.redis
def test_two_workers_share_a_chat_through_redis(two_workers: tuple[str, str]) -> None:
    a, b = two_workers
    login = httpx.post(f"{b}/api/auth/login",
                       json={"username": "agent1", "password": "dasan1234!"}, timeout=30)
    assert login.status_code == 200, login.text
    cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
    cid, token = start_chat(a)
    with connect(ws_url(b, "/api/chat/ws/agent"),
                 additional_headers={"Cookie": cookie}) as agent, \
            connect(ws_url(a, f"/api/chat/ws/citizen/{cid}")) as citizen:
        citizen.send(json.dumps({"type": "auth", "token": token}))
        assert read_until(agent, lambda e: e["type"] == "hello")["agent"]["name"] == "이상담"
        citizen.send(json.dumps({"type": "message", "body": "기후동행카드 환불하고 싶어요",
                                 "client_msg_id": "w-1"}))
        read_until(citizen, lambda e: e["type"] == "ack")
        citizen.send(json.dumps({"type": "handoff"}))
        # Worker A queued the chat; the assignment reaches the agent's socket on worker B.
        assigned = read_until(agent, lambda e: e["type"] == "assigned")
        assert assigned["consultation"]["id"] == cid
        citizen.send(json.dumps({"type": "message", "body": "실물 카드는 어디로 가져가나요?",
                                 "client_msg_id": "w-2"}))
        live = read_until(agent, lambda e: e["type"] == "message" and e["sender"] == "citizen"
                          and "실물 카드" in e["body"])
        assert live["consultation_id"] == cid
        agent.send(json.dumps({"type": "message", "consultation_id": cid,
                               "body": "역사 고객안내센터로 가져가시면 됩니다.",
                               "client_msg_id": "ag-1"}))
        reply = read_until(citizen, lambda e: e["type"] == "message" and e["sender"] == "agent")
        assert reply["body"] == "역사 고객안내센터로 가져가시면 됩니다."
        citizen.send(json.dumps({"type": "typing", "active": True}))
        assert read_until(agent, lambda e: e["type"] == "typing")["who"] == "citizen"
