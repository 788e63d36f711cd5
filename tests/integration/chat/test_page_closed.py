"""A citizen who closes the chat page while waiting leaves the queue at once (issue 11); a plain
socket drop (network, reload) keeps the grace period.

The page's `pagehide` sends a beacon (`POST /api/chat/sessions/{id}/page-closed`, the chat
token in the form body). A browser sends the same beacon on a reload, so the room waits the
short reload window (`DASAN_CHAT_CITIZEN_RELOAD_SECONDS`) for a socket to open again before the
chat ends `abandoned_in_queue`; 0 ends it at the beacon. Only the chat's own token may do it,
from this site (Origin), and with the CSRF token when a login cookie rides along."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from chat_helpers import start
from sqlalchemy.orm import Session

from dasan.chat import idle
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_presence import CitizenPresence


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app without its periodic tick: the sweeps run here, at chosen times."""
    from dasan import ratelimit
    from dasan.web.app import create_app

    monkeypatch.setenv("DASAN_CHAT_ASSIGN_INTERVAL", "0")
    get_settings.cache_clear()
    ratelimit.reset()
    yield create_app()
    get_settings.cache_clear()


def _waiting(client: Any, db: Session) -> tuple[int, dict[str, str]]:
    """A chat waiting in a queue (nobody is at a desk)."""
    cid, h = start(client)
    client.post(f"/api/chat/sessions/{cid}/messages",
                json={"body": "여권 재발급은 어떻게 하나요?", "client_msg_id": "q"}, headers=h)
    assert client.post(f"/api/chat/sessions/{cid}/handoff", headers=h).json()["phase"] \
        == "waiting"
    return cid, h


def _beacon(client: Any, cid: int, token: str, **extra: Any) -> Any:
    headers = extra.pop("headers", {"Origin": "http://testserver"})
    return client.post(f"/api/chat/sessions/{cid}/page-closed",
                       data={"token": token, **extra}, headers=headers)


def _dropped(db: Session, *cids: int, within: float = 10.0) -> None:
    """Wait until the server has seen each chat's socket close: the test client's exit from a
    socket returns before the server's disconnect handler has run, and a sweep before that
    would see an open window (a race under load)."""
    deadline = time.monotonic() + within
    while True:
        db.expire_all()
        rows = [db.get(CitizenPresence, cid) for cid in cids]
        if all(r is not None and r.sockets <= 0 and r.disconnected_at is not None
               for r in rows):
            return
        assert time.monotonic() < deadline, "the server never saw the socket close"
        time.sleep(0.02)


def _chat(db: Session, cid: int) -> Consultation:
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None
    return c


def test_a_closed_page_leaves_the_queue_a_reload_and_a_drop_do_not(
        client: Any, db: Session, kb: dict[str, int],
        citizen_ws: Callable[..., Any]) -> None:
    closing, h = _waiting(client, db)
    reloading, h2 = _waiting(client, db)
    for cid, hh in ((closing, h), (reloading, h2)):
        with citizen_ws(cid, hh["X-Chat-Token"]) as ws:
            assert ws.receive_json()["type"] == "state"
        # The reloading page's beacon: then its socket opens again (the reloaded page).
        assert _beacon(client, cid, hh["X-Chat-Token"]).status_code == 204
    with citizen_ws(reloading, h2["X-Chat-Token"]) as ws:
        assert ws.receive_json()["type"] == "state"
    # (the reloaded page's socket has dropped again now: a plain drop, the long grace)
    _dropped(db, closing, reloading)
    reload_s = get_settings().chat_citizen_reload_seconds
    assert 0 < reload_s < get_settings().chat_citizen_gone_seconds

    idle.sweep_citizens(db, utcnow() + timedelta(seconds=reload_s / 2))
    assert _chat(db, closing).status == "open"  # within the reload window
    idle.sweep_citizens(db, utcnow() + timedelta(seconds=reload_s + 1))
    c = _chat(db, closing)
    assert (c.status, c.outcome, c.agent_id, c.answered_at) == \
        ("closed", "abandoned_in_queue", None, None)
    r = _chat(db, reloading)
    assert (r.status, r.agent_id) == ("open", None)  # the reloaded page is still waiting
    row = db.get(CitizenPresence, reloading)
    assert row is not None and row.page_closed_at is None
    idle.sweep_citizens(db, utcnow() + timedelta(
        seconds=get_settings().chat_citizen_gone_seconds + 1))
    assert _chat(db, reloading).outcome == "abandoned_in_queue"  # the grace, then gone


def test_the_beacon_is_the_chats_own_from_this_site(
        client: Any, db: Session, kb: dict[str, int], login: Callable[[str], Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    cid, h = _waiting(client, db)
    other, h2 = _waiting(client, db)
    token = h["X-Chat-Token"]
    refused = [
        (_beacon(client, cid, h2["X-Chat-Token"]), 403, None),  # another chat's token
        (_beacon(client, cid, "forged"), 401, "chat_token_invalid"),
        (client.post(f"/api/chat/sessions/{cid}/page-closed", data={}), 422, "invalid_input"),
        (_beacon(client, cid, token, headers={"Origin": "https://evil.example"}), 403,
         "cross_site"),
    ]
    for r, status, code in refused:
        assert r.status_code == status, r.text
        assert r.json()["detail"] and (code is None or r.json()["code"] == code)
    # A logged-in browser sends its cookie with the beacon: the form then needs the CSRF token.
    client = login("agent1")
    csrf = client.headers.pop("X-CSRF-Token")
    assert _beacon(client, cid, token).status_code == 403
    assert _chat(db, cid).status == "open"
    assert db.get(CitizenPresence, cid) is None  # nothing was written
    # At 0 s of reload window the beacon ends the wait at once.
    monkeypatch.setenv("DASAN_CHAT_CITIZEN_RELOAD_SECONDS", "0")
    get_settings.cache_clear()
    assert _beacon(client, cid, token, csrf_token=csrf).status_code == 204
    c = _chat(db, cid)
    assert (c.status, c.outcome) == ("closed", "abandoned_in_queue")
    assert _chat(db, other).status == "open"
    # A chat that is not waiting (with the chatbot) is left alone.
    client.cookies.clear()
    bot, hb = start(client)
    assert _beacon(client, bot, hb["X-Chat-Token"]).status_code == 204
    assert _chat(db, bot).status == "open"
