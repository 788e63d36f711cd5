"""Knowledge quality end to end: answerability, the bot's decision, the miss loop."""

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from dasan.chat import bot
from dasan.db.models import Agency, AuditLog, KbEntry
from dasan.db.models_kbquality import KbAnswerability, KbGapCluster, KbGapEvent
from dasan.knowledge import gaps, quality

KB = [
    ("기후동행카드 충전 방법", ["기후동행카드는 어디서 충전하나요?", "기동카 충전"],
     "기후동행카드는 지하철역 무인충전기와 모바일 티머니 앱에서 매월 충전합니다.", "city-transport"),
    ("따릉이 대여 요금", ["따릉이 빌리는 데 얼마예요", "따릉이 이용권 가격"],
     "따릉이 1시간권은 1,000원, 2시간권은 2,000원이며 앱에서 구매합니다.", "city-transport"),
    ("수도 요금 납부 방법", ["수도세 내는 방법", "상수도 요금 어디서 내요"],
     "수도 요금은 은행, 인터넷 지로, 가상계좌, 자동이체로 납부할 수 있습니다.", "city-transport"),
    ("대형폐기물 배출 신고", ["소파 버리는 방법", "가구 버리려면 어떻게 해요"],
     "대형폐기물은 구청 누리집에서 신고하고 수수료를 낸 뒤 스티커를 붙여 내놓습니다.", "city-transport"),
    ("여권 발급 준비물", ["여권 만들 때 필요한 것", "여권 신청 서류"],
     "여권용 사진 1매와 신분증을 가지고 구청 여권과를 방문하시면 됩니다.", "city-transport"),
    # one citizen's reply letter: agents see it, the bot never answers with it
    ("수도요금 이사 정산 공동계량기", ["수도요금 이사 정산"],
     "안녕하십니까? 귀하께서 응답소(민원상담)를 통해 신청하신 민원에 대한 검토 결과를 다음과 같이 "
     "알려드립니다. 귀하의 공동 계량기 수도요금은 이사 정산 시 세대별로 나누어 부과됩니다.",
     "city-transport"),
]


def _add(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    agencies = {code: aid for aid, code in db.execute(select(Agency.id, Agency.code))}
    ids = {}
    for title, variants, answer, owner in KB:
        e = KbEntry(title=title, question_variants=variants, answer=answer, status="published",
                    owner_agency_id=agencies[owner], review_due=date(2031, 1, 31))
        db.add(e)
        db.flush()
        ids[title] = e.id
    quality.assess_entries(db)
    db.commit()
    return ids


def test_case_letters_are_reference_records_the_bot_never_answers_with(db) -> None:  # type: ignore[no-untyped-def]
    ids = _add(db)
    letter = db.get(KbAnswerability, ids["수도요금 이사 정산 공동계량기"])
    assert letter.verdict == "reference" and "case" in letter.reasons
    assert db.get(KbAnswerability, ids["기후동행카드 충전 방법"]).verdict == "standard"
    reply = bot.respond(db, "수도요금 이사 정산")
    assert reply.kind != "answer" or reply.flags["entry"]["id"] != ids["수도요금 이사 정산 공동계량기"]
    shown = {r["id"] for r in reply.flags.get("related", [])}
    assert ids["수도요금 이사 정산 공동계량기"] not in shown
    ok = bot.respond(db, "기후동행카드는 어디서 충전하나요?")
    assert ok.kind == "answer" and ok.flags["entry"]["id"] == ids["기후동행카드 충전 방법"]


def test_noisy_questions_find_the_charging_entry(db) -> None:  # type: ignore[no-untyped-def]
    ids = _add(db)
    for text in ("기 후 동 행 카 드 충 전", "기후동행카드 충젼 방법", "climate card 충전"):
        reply = bot.respond(db, text)
        found = [reply.flags.get("entry", {}).get("id")] + [
            r["id"] for r in reply.flags.get("related", [])]
        assert ids["기후동행카드 충전 방법"] in found, (text, reply)


def test_misses_are_clustered_routed_and_turned_into_a_draft(client, login, db) -> None:  # type: ignore[no-untyped-def]
    _add(db)
    asked = ["따릉이 정기권 환불", "따릉이 정기권 환불 받을 수 있나요", "따릉이 정기권 환불해 주세요",
             "제 번호 010-1234-5678로 따릉이 정기권 환불 연락 주세요"]
    unanswered = [text for text in asked if bot.respond(db, text).kind != "answer"]
    db.commit()
    assert len(unanswered) >= 3  # the KB has no entry on it (answers are the bench's business)
    events = db.scalars(select(KbGapEvent)).all()
    assert len(events) == len(unanswered) and {e.kind for e in events} == {"miss"}
    assert all("1234-5678" not in e.question for e in events)  # masked before storage
    clusters = db.scalars(select(KbGapCluster)).all()
    big = max(clusters, key=lambda c: c.count)
    assert big.count >= 2 and len(clusters) < len(events)
    transport = db.scalar(select(Agency.id).where(Agency.code == "city-transport"))
    assert big.owner_agency_id == transport  # routed via the nearest entries' owner

    login("kbeditor")  # 도시교통실 editor
    rows = client.get("/api/knowledge/gaps").json()
    top = rows[0]
    assert top["id"] == big.id and top["count_week"] == big.count and top["examples"]
    login("kbeditor-gc")  # another agency's editor sees none of it and may not act on it
    assert all(r["id"] != big.id for r in client.get("/api/knowledge/gaps").json())
    assert client.post(f"/api/knowledge/gaps/{big.id}/dismiss",
                       json={"reason": "중복"}).status_code == 403
    login("kbeditor")
    assert client.post(f"/api/knowledge/gaps/{big.id}/dismiss", json={"reason": ""}
                       ).status_code == 422
    r = client.post(f"/api/knowledge/gaps/{big.id}/draft", json={"title": "따릉이 정기권 환불"})
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["needs_answer"]
    assert "따릉이 정기권 환불" in draft["question_variants"]
    assert client.post(f"/api/knowledge/gaps/{big.id}/draft", json={}).status_code == 409
    db.expire_all()
    assert db.get(KbGapCluster, big.id).status == "drafted"
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "kb.gap_draft")) is not None
    page = client.get("/kb/gaps?status=drafted")
    assert page.status_code == 200 and "따릉이 정기권 환불" in page.text


def test_not_helpful_and_merge_into_an_existing_entry(client, login, db) -> None:  # type: ignore[no-untyped-def]
    ids = _add(db)
    bot.record_not_helpful(db, 1, "따릉이 요금이 너무 비싸요 할인 없나요", ids["따릉이 대여 요금"])
    db.commit()
    (event,) = db.scalars(select(KbGapEvent)).all()
    assert event.kind == "not_helpful" and event.cluster_id is not None
    login("kbeditor")
    r = client.post(f"/api/knowledge/gaps/{event.cluster_id}/merge",
                    json={"entry_id": ids["따릉이 대여 요금"]})
    assert r.status_code == 200, r.text
    assert "따릉이 요금이 너무 비싸요 할인 없나요" in r.json()["question_variants"]
    assert r.json()["version"] == 2


def test_editor_review_queue_and_decision_are_kept_and_audited(client, login, db) -> None:  # type: ignore[no-untyped-def]
    ids = _add(db)
    eid = ids["수도요금 이사 정산 공동계량기"]
    login("kbeditor")
    r = client.put(f"/api/knowledge/entries/{eid}/answerability",
                   json={"verdict": "standard", "note": "개인정보 없이 일반 안내로 고쳐 씀"})
    assert r.status_code == 200 and r.json()["source"] == "editor"
    assert client.put(f"/api/knowledge/entries/{eid}/answerability",
                      json={"verdict": "maybe"}).status_code == 422
    quality.assess_entries(db)  # a later automatic run keeps the editor's decision
    db.commit()
    db.expire_all()
    assert db.get(KbAnswerability, eid).verdict == "standard"
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "kb.answerability"))
    body = client.get("/api/knowledge/answerability/review").json()
    assert body["summary"]["reference"] == 0 and isinstance(body["queue"], list)
    login("kbeditor-gc")
    assert client.put(f"/api/knowledge/entries/{eid}/answerability",
                      json={"verdict": "reference"}).status_code == 403
    assert client.get("/kb/review").status_code == 200
    assert gaps.last_week(db) == 0


def test_agent_proposal_and_alert_topics_reach_the_owner(client, login, db) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from dasan.db.models import Alert

    ids = _add(db)
    login("agent1")
    r = client.post("/api/knowledge/proposals", json={
        "question": "따릉이 대여 중 고장 나면 요금은 어떻게 되나요",
        "answer": "고장 신고 후 반납하면 고장 시점 이후 요금은 부과되지 않습니다.",
        "entry_id": ids["따릉이 대여 요금"]})
    assert r.status_code == 201, r.text
    cluster_id = r.json()["cluster_id"]
    assert client.post("/api/knowledge/proposals", json={"question": " "}).status_code == 422
    login("kbeditor")
    r = client.post(f"/api/knowledge/gaps/{cluster_id}/draft", json={})
    assert r.status_code == 201, r.text
    assert r.json()["answer"].startswith("고장 신고 후 반납하면")  # the agent's proposal

    now = datetime(2026, 11, 30, 9, 0)
    db.add(Alert(topic="따릉이 정기권 환불", topic_kind="keyword", window_start=now,
                 window_end=now, count=40, baseline=3.0, score=9.0, needs_answer=True,
                 examples=[{"id": 1, "subject": "따릉이 정기권 환불 문의"}]))
    db.commit()
    assert gaps.collect_alerts(db) == 1
    assert gaps.collect_alerts(db) == 0  # once per alert
    db.commit()
    kinds = {e.kind for e in db.scalars(select(KbGapEvent))}
    assert {"proposal", "alert"} <= kinds


def _gap_picture(db) -> tuple[list[tuple[str, str]], list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    labels = {c.id: c.label for c in db.scalars(select(KbGapCluster))}
    events = [(e.question, labels[e.cluster_id]) for e in
              db.scalars(select(KbGapEvent).order_by(KbGapEvent.id))]
    clusters = sorted((c.label, c.count, tuple(c.examples), tuple(c.nearest_entry_ids),
                       c.owner_agency_id, tuple(round(x, 3) for x in c.centroid))
                      for c in db.scalars(select(KbGapCluster)))
    return events, clusters


def test_deferred_clustering_gives_the_clusters_of_one_by_one(db) -> None:  # type: ignore[no-untyped-def]
    _add(db)
    db.commit()
    asked = ["따릉이 정기권 환불", "남산 케이블카 운행 시간", "따릉이 정기권 환불 받을 수 있나요",
             "남산 케이블카 몇 시까지 해요", "따릉이 정기권 환불해 주세요", "반려견 등록 방법",
             "남산 케이블카 운행 시간", "제 번호 010-1234-5678로 따릉이 정기권 환불 연락 주세요"]
    gaps.record_gap(db, "miss", "따릉이 정기권 환불 문의")  # an open cluster from before
    db.commit()

    def run(deferred: bool) -> tuple[list[tuple[str, str]], list[tuple[object, ...]]]:
        if deferred:
            with gaps.clustering_deferred(db):
                for text in asked:
                    assert gaps.record_gap(db, "miss", text, nearest=[]) is not None
                assert db.scalar(select(func.count(KbGapEvent.id))) == 1  # not stored yet
        else:
            for text in asked:
                gaps.record_gap(db, "miss", text, nearest=[])
        db.commit()
        picture = _gap_picture(db)
        db.execute(delete(KbGapEvent).where(KbGapEvent.question != "따릉이 정기권 환불 문의"))
        db.execute(delete(KbGapCluster).where(KbGapCluster.label != "따릉이 정기권 환불 문의"))
        first = db.scalar(select(KbGapCluster))
        first.count, first.examples = 1, ["따릉이 정기권 환불 문의"]
        first.centroid = [round(float(x), 5) for x in gaps.topic_vector(first.label)[0]]
        db.commit()
        return picture

    one_by_one = run(deferred=False)
    assert sorted(c[1] for c in one_by_one[1]) == [1, 3, 5]  # pets, cable car, 1 + 4 refunds
    assert run(deferred=True) == one_by_one
    with pytest.raises(RuntimeError), gaps.clustering_deferred(db):
        gaps.record_gap(db, "miss", "따릉이 정기권 환불")
        raise RuntimeError("the batch failed")
    db.rollback()
    assert db.scalar(select(func.count(KbGapEvent.id))) == 1  # nothing of the failed block


def test_a_pinned_index_is_checked_for_fresh_entries_once(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from dasan.knowledge.live import get_live_index

    live = get_live_index()
    statements: list[str] = []

    def seen(_c, _cur, statement, *_a) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with live.pinned(db):
            first = live.sync(db)
            asked = len(statements)
            assert live.sync(db) is first and len(statements) == asked  # no second look
        live.sync(db)
        assert len(statements) > asked  # unpinned: every sync looks again
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    _add(db)  # a change after the block is found by the next sync
    db.commit()
    assert any(e.title == "따릉이 대여 요금" for e, _ in live.search(db, "따릉이 대여 요금", k=3))
