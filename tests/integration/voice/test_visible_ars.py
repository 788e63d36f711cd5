"""Visible ARS end to end: a sipp caller presses # for the link, the page (HTTP) opens it once,
its choices steer the live call (hear an answer, then the water queue), and the choices land on
the call's ARS path. Replayed and expired links, and a page opened after the call, are refused
or limited clearly."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from voice_helpers import CALLER, SHORT_PROMPTS, run_sipp, settled

from dasan.channels import outbox
from dasan.chat.hub import ChatHub
from dasan.db.base import utcnow
from dasan.db.models import Agency, Consultation, KbEntry
from dasan.db.models_channels import OutboxItem
from dasan.db.models_smartvoice import VisibleArsSession
from dasan.db.models_voice import CallbackRequest, VoiceCall
from dasan.db.session import session_scope
from dasan.knowledge.live import get_live_index
from dasan.voice.flows import store
from dasan.voice.flows.default import default_flow

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def lexical_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """BM25 only: the page's answers need no embedding model in this test."""
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def publish_visible_flow(url: str) -> None:
    doc = default_flow()
    doc["prompts"] = dict(SHORT_PROMPTS) | {"visible_ars_offer": "문자는 샵"}
    doc["visible_ars"] = {"mode": "offer", "key": "#", "answers": {"q_water": "수도 요금 납부"}}
    with session_scope(url) as s:
        agency = s.scalar(select(Agency.id).limit(1))
        s.add(KbEntry(title="수도 요금 납부 방법", category="환경", owner_agency_id=agency,
                      answer="수도 요금은 인터넷 지로나 가상계좌로 납부할 수 있습니다.",
                      question_variants=["수도 요금 어떻게 내요"], status="published",
                      review_due=date(2031, 1, 31)))
        # A menu item shows the answer the chatbot would give (find_answer), and lexical
        # scores are normalised over the entries: a KB of one entry gives no answer at all.
        for title, answer in (("따릉이 대여 요금", "따릉이 1시간 이용권은 1,000원입니다."),
                              ("대형폐기물 배출 신고", "구청 누리집에서 신고하고 스티커를 붙입니다."),
                              ("주정차 위반 과태료 이의신청", "고지서를 받은 날부터 신청합니다.")):
            s.add(KbEntry(title=title, category="생활", owner_agency_id=agency, answer=answer,
                          status="published", review_due=date(2031, 1, 31)))
        row = store.save_draft(s, doc, None, "visible ars")
        store.publish(s, row.name, row.version, None)
        get_live_index().sync(s)  # warm, as a running server is


async def wait_for_link(url: str) -> str:
    for _ in range(200):
        with session_scope(url) as s:
            item = s.scalar(select(OutboxItem).where(OutboxItem.idempotency_key.like(
                "visible_ars:%")))
            if item is not None:
                assert CALLER not in str(item.payload)  # sealed while it waits (ADR 0005)
                opened = outbox.opened_payload(s, item)  # what the worker sends
                assert opened["to"] == CALLER
                return str(opened["text"]).split("http://127.0.0.1:8000", 1)[1]
        await asyncio.sleep(0.05)
    raise AssertionError("no visible-ARS SMS was queued")


async def test_page_steers_the_live_call(gateway_factory, database_url: str, app) -> None:
    publish_visible_flow(database_url)
    gw = await gateway_factory(digit_timeout=3.0)
    app.state.chat_hub = ChatHub(gw.pubsub)  # the API publishes where the gateway listens
    caller = asyncio.create_task(run_sipp("caller_visible_ars.xml", gw.port))
    path = await wait_for_link(database_url)
    token = path.rsplit("/", 1)[1]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as page, \
            httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        opened = await page.get(path)
        assert opened.status_code == 200, opened.text
        assert "상담사 연결" in opened.text and "전화 끊고 답변 받기" in opened.text
        assert "콜백 예약" in opened.text
        data = json.loads(opened.text.split('<script id="vars-data" type="application/json">', 1)[1].split("</script>")[0])
        water = next(c for c in data["menu"]["children"] if c["node"] == "q_water")
        assert water["key"] == "2" and water["answer"]["title"] == "수도 요금 납부 방법"
        assert {c["label_ko"] for c in data["menu"]["children"]} >= {"교통", "외국어"}
        replay = await other.get(path)  # the same link on another phone: one-time
        assert replay.status_code == 410 and "이미" in replay.text
        api = f"/api/voice/visible-ars/{token}/choose"
        head = {"X-Visible-ARS": "1"}
        no_header = await page.post(api, json={"action": "agent", "node": "q_water"})
        assert no_header.status_code == 403
        bad = await page.post(api, json={"action": "go", "node": "q_malicious"}, headers=head)
        assert bad.status_code == 422  # not on the page's menu
        say = await page.post(api, json={"action": "say", "node": "q_water"}, headers=head)
        assert say.status_code == 200 and say.json()["steered"] is True, say.text
        go = await page.post(api, json={"action": "agent", "node": "q_water"}, headers=head)
        assert go.status_code == 200 and go.json()["steered"] is True, go.text
        result = await caller
        assert result.returncode == 0, result.output
        await settled(gw)
        after = await page.get(f"/api/voice/visible-ars/{token}/state")
        assert after.json()["call_state"] == "ended"
        late = await page.post(api, json={"action": "agent"}, headers=head)
        assert late.status_code == 409
        booked = await page.post(api, json={"action": "callback", "node": "q_water"},
                                 headers=head)
        assert booked.status_code == 200 and booked.json()["steered"] is False
    with session_scope(database_url) as s:
        call = s.scalar(select(VoiceCall))
        assert call is not None
        consultation = s.get(Consultation, call.consultation_id)
        assert consultation is not None
        assert "visible_ars:sent" in call.ars_path
        assert call.ars_path.index("web:say:q_water") < call.ars_path.index("web:go:q_water")
        assert call.queue_code == "water" and consultation.ars_option == "2"
        assert call.outcome == "abandoned_in_queue"
        assert "web:callback:q_water" in call.ars_path  # after the call: still on the path
        session = s.scalar(select(VisibleArsSession))
        assert session is not None and [c["action"] for c in session.choices] == [
            "say", "agent", "callback"]
        callback = s.scalar(select(CallbackRequest))
        assert callback is not None and callback.queue_code == "water"


async def test_expired_and_forged_links(database_url: str, app) -> None:
    from dasan.voice.visible_ars import links, service

    with session_scope(database_url) as s:
        c = Consultation(channel="phone", started_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id="vars-expired", consultation_id=c.id, dialed="120")
        s.add(call)
        s.commit()
        assert service.start(s, call.id, "0212345678") is None  # a landline gets no SMS
        link = service.start(s, call.id, CALLER)
        assert link is not None
        s.execute(update(VisibleArsSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    path = link.split("http://127.0.0.1:8000", 1)[1]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as page:
        expired = await page.get(path)
        assert expired.status_code == 410 and "만료" in expired.text
        forged = await page.get(path[:-3] + "abc")
        assert forged.status_code == 404
        other = links.link_token(999, "nonce")
        assert (await page.get(f"/ars/v/{other}")).status_code == 404


async def test_page_draws_the_menu_at_once_on_a_cold_index(  # type: ignore[no-untyped-def]
        database_url: str, app, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a restart the knowledge index is cold: the page shows the menu without waiting,
    and its answers arrive from /answers once the index is built in the background."""
    from dasan.knowledge import live
    from dasan.voice.visible_ars import service

    publish_visible_flow(database_url)
    cold = live.LiveIndex(cache_path=None)
    monkeypatch.setattr(live, "_LIVE", cold)
    with session_scope(database_url) as s:
        c = Consultation(channel="phone", started_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id="vars-cold", consultation_id=c.id, dialed="120")
        s.add(call)
        s.commit()
        link = service.start(s, call.id, CALLER)
        assert link is not None
    path = link.split("http://127.0.0.1:8000", 1)[1]
    token = path.rsplit("/", 1)[1]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as page:
        opened = await page.get(path)
        assert opened.status_code == 200, opened.text
        data = json.loads(opened.text.split('<script id="vars-data" type="application/json">', 1)[1].split("</script>")[0])
        assert data["answers_pending"] is True
        water = next(c for c in data["menu"]["children"] if c["node"] == "q_water")
        assert water["answer"] is None  # not waited for
        answers: dict = {}
        for _ in range(400):
            got = (await page.get(f"/api/voice/visible-ars/{token}/answers")).json()
            if got["ready"]:
                answers = got["answers"]
                break
            await asyncio.sleep(0.05)
        assert answers["q_water"]["title"] == "수도 요금 납부 방법"
        assert cold.is_warm()
        stranger = await httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                           base_url="http://test").get(
            f"/api/voice/visible-ars/{token}/answers")
        assert stranger.status_code == 410  # only the page that opened the link
