"""The demo's visible-ARS page answers from the real knowledge base: `dasan demo` publishes the
phone flow with each menu item's answer pointed at a seeded KB entry, chosen by a rule over the
KB (the entries the router sends to the item's queue, its own category first, the first the
chatbot answers with), never by id. On the shipped flow the page had no answer at all on the
real KB (the item's label, 교통, is no question the bot answers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from dasan.db.base import utcnow
from dasan.db.models import Consultation, KbEntry
from dasan.db.models_voice import VoiceCall

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def lexical_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """BM25 only, in an index of this test's own (the page needs no embedding model)."""
    from dasan.config import get_settings
    from dasan.knowledge import live

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    get_settings.cache_clear()
    monkeypatch.setattr(live, "_LIVE", live.LiveIndex(cache_path=None))
    yield
    get_settings.cache_clear()


def _page_answers(client, db) -> dict:  # type: ignore[no-untyped-def]
    from dasan.voice.visible_ars import service

    c = Consultation(channel="phone", started_at=utcnow())
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id=f"demo-vars-{c.id}", consultation_id=c.id, dialed="120")
    db.add(call)
    db.commit()
    link = service.start(db, call.id, "01012345678")
    db.commit()
    assert link is not None
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    got = client.get(f"/api/voice/visible-ars/{path.rsplit('/', 1)[1]}/answers").json()
    assert got["ready"] is True
    return dict(got["answers"])


def test_demo_points_each_menu_item_at_the_seeded_kb(client, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    from dasan.demo import seed_visible_ars
    from dasan.knowledge.importer import import_seed_faq
    from dasan.knowledge.live import get_live_index
    from dasan.routing.router import decide
    from dasan.voice.flows import store

    import_seed_faq(db, shared_data)
    db.commit()
    get_live_index().sync(db)
    assert _page_answers(client, db) == {}  # the shipped flow on the real KB: no answer

    answers = seed_visible_ars(db, TODAY)
    db.commit()
    flow, version = store.live(db)
    assert version == 1 and flow.visible_ars is not None and flow.visible_ars.mode == "offer"
    queues = {"q_transport": "transport", "q_water": "water",
              "q_welfare_admin": "welfare_admin", "q_general": "general"}
    assert set(queues) <= set(answers)
    for node, queue in queues.items():  # each an entry of the KB the router sends there
        entry = db.scalar(select(KbEntry).where(KbEntry.title == answers[node]))
        assert entry is not None and entry.status == "published" and entry.answer
        assert decide(db, entry.title).queue_code == queue
    transport = db.scalar(select(KbEntry).where(KbEntry.title == answers["q_transport"]))
    assert transport is not None and transport.category == "교통"

    shown = _page_answers(client, db)
    for node in queues:
        assert shown[node]["title"] == answers[node] and shown[node]["text"]
    # a flow already published (an admin's, or this one) is kept
    assert seed_visible_ars(db, TODAY) == {}
    assert store.live(db)[1] == 1
