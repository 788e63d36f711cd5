"""Written intake right after start-up, while the warm-up still builds the knowledge index:
questions and field reports answer at once, never behind the index, never holding SQLite's
one write lock while they wait, and never stopping the server's other requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dasan.chat import bot
from dasan.db.models_channels import WrittenThread
from dasan.knowledge import live
from dasan.knowledge.live import IndexWarming, get_live_index

SLOW_SECONDS = 3.0


@pytest.fixture
def index_being_built() -> Iterator[threading.Event]:
    """Another thread holds the index while it builds it (the start-up warm-up), until the
    returned event is set (at the latest after 30 s)."""
    built, holding = threading.Event(), threading.Event()

    def build() -> None:
        with get_live_index()._lock:
            holding.set()
            built.wait(30)

    builder = threading.Thread(target=build, daemon=True)
    builder.start()
    assert holding.wait(120)  # after the app's own warm-up build, if one runs
    try:
        yield built
    finally:
        built.set()
        builder.join(5)


def test_a_board_question_does_not_wait_for_the_index(
        client: Any, db: Session, kb: dict[str, int],
        index_being_built: threading.Event) -> None:
    started = time.monotonic()
    r = client.post("/api/channels/board/questions",
                    data={"title": "공사 소음 문의", "body": "집 앞 공사가 밤늦게까지 계속됩니다."})
    took = time.monotonic() - started
    assert r.status_code == 201, r.text
    # Its department suggestion is skipped after a short wait: agents choose the department.
    assert took < 1.0 + SLOW_SECONDS, took
    thread = db.scalar(select(WrittenThread).where(
        WrittenThread.tracking_code == r.json()["tracking_code"]))
    assert thread is not None and thread.owner_agency_id is None


def test_a_writer_never_waits_long_for_the_index(
        db: Session, database_url: str, index_being_built: threading.Event) -> None:
    """A session that has begun writing waits at most WRITER_WAIT_SECONDS, then gives up:
    on SQLite every other writer waits for it (30 s, then "database is locked")."""
    db.execute(text("UPDATE agents SET state = 'offline' WHERE id < 0"))  # a write begun
    if not database_url.startswith("sqlite"):
        db.rollback()
        pytest.skip("PostgreSQL has no database-wide write lock to hold")
    started = time.monotonic()
    with pytest.raises(IndexWarming):
        get_live_index().sync(db)
    assert time.monotonic() - started < live.WRITER_WAIT_SECONDS + 2.0
    # The rest of a batch in the same transaction (an SMS batch) does not wait again.
    started = time.monotonic()
    with pytest.raises(IndexWarming):
        get_live_index().sync(db)
    assert time.monotonic() - started < 0.5
    # The bots (written channels answer in the message's transaction) say they cannot
    # answer yet and offer a human instead of failing the message.
    reply = bot.respond(db, "여권 재발급 준비물이 뭔가요?")
    assert reply.kind == "miss" and reply.flags["reason"] == "index_warming"
    assert reply.flags["offer_handoff"] is True
    db.rollback()


def _slow(fail: Callable[[], Exception]) -> Callable[..., Any]:
    def slow(*_args: Any, **_kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)  # a cold start's model loads, a busy disk
        raise fail()
    return slow


@pytest.mark.parametrize("post", ["qna", "board", "report"])
def test_slow_intake_never_stops_the_other_requests(
        client: Any, monkeypatch: pytest.MonkeyPatch, post: str) -> None:
    """The intake's work runs in a worker thread: while one question or report takes
    seconds, the event loop answers everything else (health checks, chat sockets)."""
    from dasan.channels.board import service as board
    from dasan.complaints import intake
    from dasan.errors import Invalid

    if post == "report":
        monkeypatch.setattr(intake, "create_report",
                            _slow(lambda: intake.BadReport("no such service")))
    else:
        monkeypatch.setattr(board, "submit", _slow(lambda: Invalid("too short")))
    path, form = {
        "qna": ("/qna", {"title": "주차 문의", "body": "불법 주차 신고는 어디에 하나요?"}),
        "board": ("/api/channels/board/questions",
                  {"title": "주차 문의", "body": "불법 주차 신고는 어디에 하나요?"}),
        "report": ("/api/complaints/reports", {"service_code": "X", "description": "쓰레기"}),
    }[post]
    answered: list[int] = []
    slow = threading.Thread(target=lambda: answered.append(
        client.post(path, data=form).status_code))
    slow.start()
    time.sleep(0.5)  # the slow request is in its handler
    started = time.monotonic()
    assert client.get("/healthz").status_code == 200
    health = time.monotonic() - started
    slow.join(SLOW_SECONDS + 10)
    assert answered and 400 <= answered[0] < 500
    assert health < SLOW_SECONDS - 1.0, f"/healthz waited {health:.1f} s behind {path}"
