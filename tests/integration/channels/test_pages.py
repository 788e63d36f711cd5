"""Written-channel pages: the Q&A board form and tracking page (ko/en, no inline script), the
public answer page linked from SMS, and the agents' /written desk."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

# An executable inline script (a JSON data block is not executed, so the CSP allows it).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _clean(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), "inline <script> (the CSP will forbid it)"
    assert not INLINE_HANDLER.search(html), "inline event handler"
    assert "cdn" not in html.lower()


def test_board_pages_in_korean_and_english(client: Any, db: Session) -> None:
    client.cookies.clear()
    ko = client.get("/qna")
    assert ko.status_code == 200 and "온라인 질문하기" in ko.text
    _clean(ko.text)
    en = client.get("/qna?lang=en")
    assert "Ask a question" in en.text and "온라인 질문하기" not in en.text
    bad = client.post("/qna?lang=en", data={"title": "질문", "body": "버스 노선이 궁금합니다"},
                      files=[("files", ("a.png", b"not a png at all", "image/png"))])
    assert bad.status_code == 422 and "Could not send" in bad.text
    r = client.post("/qna", data={"title": "버스 노선", "body": "472번 버스 노선이 바뀌었나요?"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"] + "&lang=ko")  # the en visit left a cookie
    assert page.status_code == 200 and "접수" in page.text and "472번" in page.text
    _clean(page.text)
    code = r.headers["location"].split("/qna/t/")[1].split("?")[0]
    assert client.get(f"/qna/t/{code}?key=nope").status_code == 404


def test_board_tracking_page_shows_the_city_clock(client: Any, db: Session) -> None:
    """The question's times on the citizen's tracking page are Seoul's wall clock (as every
    citizen page), not the stored UTC: a question sent at 00:30 KST on 2 March reads so."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from dasan.db.models import Message
    from dasan.db.models_channels import ChannelMessage, WrittenThread

    client.cookies.clear()
    r = client.post("/qna", data={"title": "버스 노선", "body": "472번 버스 노선이 바뀌었나요?"},
                    follow_redirects=False)
    code = r.headers["location"].split("/qna/t/")[1].split("?")[0]
    sent = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 2026-03-02 00:30 KST
    thread_id = db.scalar(select(WrittenThread.id).where(WrittenThread.tracking_code == code))
    db.execute(update(WrittenThread).where(WrittenThread.id == thread_id)
               .values(created_at=sent, sla_due_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC)))
    db.execute(update(Message).where(Message.id.in_(
        select(ChannelMessage.message_id).where(ChannelMessage.thread_id == thread_id)))
        .values(created_at=sent))
    db.commit()
    page = client.get(r.headers["location"]).text
    assert "2026-03-02 00:30" in page and "2026-03-05 00:30" in page
    assert "2026-03-01 15:30" not in page and "(UTC)" not in page


def test_public_answer_page_and_written_desk(client: Any, db: Session, kb: dict[str, int],
                                             login: Any) -> None:
    client.cookies.clear()
    entry_id = kb["기후동행카드 구매 방법"]
    page = client.get(f"/answers/{entry_id}")
    assert page.status_code == 200 and "기후동행카드" in page.text
    assert client.get("/answers/999999").status_code == 404
    assert client.get("/written", follow_redirects=False).status_code == 303
    client.post("/qna", data={"title": "소음 문의", "body": "밤늦게 공사 소음이 심합니다"})
    login("agent1")  # agents answer written threads on the agent desktop, beside chats
    moved = client.get("/written?thread=7", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/agent?thread=7"
    page = client.get("/agent").text
    assert 'id="written-list"' in page and "/static/channels/desk-written.js" in page
    assert 'id="written-bar"' in page and "문자·게시판 상담" in page
    login("kbeditor")  # the owning department keeps its filtered view
    desk = client.get("/written")
    assert desk.status_code == 200 and "문자·게시판 상담" in desk.text
    _clean(desk.text)
    assert "/static/channels/written.js" in desk.text
    # The department's view offers only what a department may do: it answers and closes
    # without claiming (claiming is the agents'), has no agents' canned answers, and its
    # knowledge-base search answers it (all three were refused with 403 on the demo).
    assert 'id="claim"' not in desk.text and 'id="w-canned"' not in desk.text
    assert 'id="w-search"' in desk.text
    found = client.get("/api/chat/assist", params={"q": "기후동행카드 구매"})
    assert found.status_code == 200 and found.json()[0]["title"] == "기후동행카드 구매 방법"
    login("citizen")
    assert client.get("/api/chat/assist", params={"q": "기후동행카드"}).status_code == 403
    assert client.get("/written").status_code == 403
