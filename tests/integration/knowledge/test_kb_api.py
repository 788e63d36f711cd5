from datetime import date, timedelta

from sqlalchemy import select

from dasan.db.models import Agency, AuditLog, KbEntry, ReviewReminder


def _agency(db, code: str) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(Agency.id).where(Agency.code == code))


ENTRY = {
    "title": "기후동행카드 충전 방법",
    "program": "기후동행카드",
    "question_variants": ["기후동행카드는 어디서 충전하나요?", "기동카 충전"],
    "answer": "기후동행카드는 지하철역 무인충전기와 모바일 앱에서 충전할 수 있습니다.",
    "category": "교통",
    "status": "published",
}


def test_editor_creates_and_edits_own_agency_entries_with_history(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")  # 도시교통실
    r = client.post("/api/knowledge/entries", json=ENTRY)
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["owner_agency_id"] == _agency(db, "city-transport")
    assert entry["version"] == 1 and entry["review_due"] is not None
    r = client.patch(f"/api/knowledge/entries/{entry['id']}",
                     json={"answer": "앱·무인충전기·역 창구에서 충전합니다.", "change_note": "창구 추가"})
    assert r.status_code == 200 and r.json()["version"] == 2
    hist = client.get(f"/api/knowledge/entries/{entry['id']}/history").json()
    assert [h["version"] for h in hist] == [1, 2]
    assert "창구" in hist[1]["snapshot"]["answer"] and hist[1]["change_note"] == "창구 추가"
    actions = db.scalars(select(AuditLog.action).where(AuditLog.object_id == str(entry["id"])))
    assert {"kb.create", "kb.update"} <= set(actions)


def test_editor_cannot_touch_another_agencys_entry(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor-gc")  # 금천구 editor
    own = client.post("/api/knowledge/entries", json=ENTRY | {"title": "금천구 여권 발급"}).json()
    login("kbeditor")
    r = client.patch(f"/api/knowledge/entries/{own['id']}", json={"answer": "바꿈"})
    assert r.status_code == 403
    other = _agency(db, "gu-11545")
    r = client.post("/api/knowledge/entries", json=ENTRY | {"owner_agency_id": other})
    assert r.status_code == 403
    assert client.get("/api/knowledge/overdue", params={"agency_id": other}).status_code == 403
    denied = db.scalars(select(AuditLog).where(AuditLog.outcome == "denied",
                                               AuditLog.action == "kb.other_agency")).all()
    assert len(denied) == 3
    assert db.get(KbEntry, own["id"]).version == 1  # nothing changed


def test_bad_entries_are_refused_with_messages(client, login) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    for bad in (ENTRY | {"status": "live"}, ENTRY | {"answer": ""},
                ENTRY | {"valid_from": "2025-02-01", "valid_to": "2025-01-01"},
                ENTRY | {"title": ""}, {"answer": "no title"}):
        r = client.post("/api/knowledge/entries", json=bad)
        assert r.status_code == 422, bad
        assert r.json()["detail"]
    assert client.get("/api/knowledge/entries/999999").status_code == 404
    login("agent1")
    assert client.post("/api/knowledge/entries", json=ENTRY).status_code == 403


def test_overdue_dashboard_and_reminders(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    ids = [client.post("/api/knowledge/entries", json=ENTRY | {"title": f"항목 {i}"}).json()["id"]
           for i in range(3)]
    past = (date.today() - timedelta(days=5)).isoformat()
    client.patch(f"/api/knowledge/entries/{ids[0]}", json={"review_due": past})
    overdue = client.get("/api/knowledge/overdue").json()
    assert [e["id"] for e in overdue] == [ids[0]]
    dash = {r["code"]: r for r in client.get("/api/knowledge/dashboard").json()}
    assert dash["city-transport"]["overdue"] == 1 and dash["city-transport"]["entries"] == 3
    login("supervisor")
    assert client.post("/api/knowledge/reminders").json() == {"reminded_agencies": 1, "entries": 1}
    assert client.post("/api/knowledge/reminders").json()["entries"] == 0  # once a week
    reminder = db.scalars(select(ReviewReminder)).one()
    assert reminder.entry_id == ids[0]
    # the owner's dashboard page lists it
    login("kbeditor")
    page = client.get("/kb/dashboard")
    assert page.status_code == 200 and "항목 0" in page.text


def test_export_is_scoped_and_audited(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    client.post("/api/knowledge/entries", json=ENTRY)
    r = client.get("/api/knowledge/export", params={"format": "csv"})
    assert r.status_code == 200 and "기후동행카드 충전 방법" in r.text
    assert r.text.splitlines()[0].startswith("id,external_id")
    assert db.scalars(select(AuditLog).where(AuditLog.action == "kb.export")).first()
    r = client.get("/api/knowledge/export", params={"agency_id": _agency(db, "gu-11545")})
    assert r.status_code == 403


def test_search_finds_a_paraphrase_and_follows_edits(client, login) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    client.post("/api/knowledge/entries", json=ENTRY)
    client.post("/api/knowledge/entries", json=ENTRY | {
        "title": "따릉이 정기권 환불", "program": "따릉이", "question_variants": [],
        "answer": "따릉이 앱에서 환불 신청합니다."})
    login("agent1")
    hits = client.get("/api/knowledge/search", params={"q": "기동카 돈 넣는 법 알려주세요"}).json()
    assert hits[0]["entry"]["title"] == "기후동행카드 충전 방법"
    assert hits[0]["entry"]["owner_name"] == "도시교통실"
    hits = client.get("/api/knowledge/search", params={"q": "자전거 대여권 환불"}).json()
    assert hits[0]["entry"]["program"] == "따릉이"
    # each hit says whether the query was embedded (the cascade skips the encoder when the
    # words decide); a lexical-stage hit has no dense score
    assert all(h["stage"] in ("lexical", "hybrid") for h in hits)
    assert all(h["dense"] == 0.0 for h in hits if h["stage"] == "lexical")
    assert all(h["dense"] > 0.0 for h in hits if h["stage"] == "hybrid")
    # retiring an entry removes it from search
    login("kbeditor")
    rid = hits[0]["entry"]["id"]
    client.patch(f"/api/knowledge/entries/{rid}", json={"status": "retired"})
    login("agent1")
    hits = client.get("/api/knowledge/search", params={"q": "자전거 대여권 환불"}).json()
    assert all(h["entry"]["id"] != rid for h in hits)
    assert client.get("/api/knowledge/search", params={"q": ""}).status_code == 422


def test_kb_pages_render_and_save(client, login) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/kb", follow_redirects=False).status_code == 303
    login("kbeditor")
    eid = client.post("/api/knowledge/entries", json=ENTRY).json()["id"]
    page = client.get("/kb")
    assert page.status_code == 200 and "표준상담DB" in page.text
    assert "기후동행카드" in client.get("/kb", params={"q": "기동카 충전"}).text
    r = client.post(f"/kb/entries/{eid}", data={
        "title": ENTRY["title"], "program": "기후동행카드", "answer": "새 답변입니다.",
        "category": "교통", "status": "published", "question_variants": "기동카 충전",
        "valid_from": "", "valid_to": "", "change_note": "현행화"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/kb/entries/{eid}")
    assert "새 답변입니다." in page.text and "현행화" in page.text
    r = client.post(f"/kb/entries/{eid}", data={"title": "x", "answer": "", "status": "published"})
    assert r.status_code == 422


def test_edits_follow_the_same_rules_as_new_entries(client, login) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    eid = client.post("/api/knowledge/entries", json=ENTRY).json()["id"]
    r = client.patch(f"/api/knowledge/entries/{eid}",
                     json={"question_variants": ["  기동카 충전  ", "", "   "]})
    assert r.status_code == 200 and r.json()["question_variants"] == ["기동카 충전"]
    r = client.patch(f"/api/knowledge/entries/{eid}", json={"question_variants": ["가" * 513]})
    assert r.status_code == 422 and "512" in r.text
    for bad in ({"answer": ""}, {"valid_from": "2025-02-01", "valid_to": "2025-01-01"},
                {"status": "live"}, {"kind": "memo"}):
        r = client.patch(f"/api/knowledge/entries/{eid}", json=bad)
        assert 400 <= r.status_code < 500 and r.json()["detail"], bad


def test_editors_keep_the_answer_s_gists_per_language(client, login) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    r = client.post("/api/knowledge/entries",
                    json=ENTRY | {"gists": {"en": " Top up the Climate Card  in the app. "}})
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert r.json()["gists"] == {"en": "Top up the Climate Card in the app."}
    r = client.patch(f"/api/knowledge/entries/{eid}",
                     json={"gists": {"en": "Top up in the app.", "vi": "Nạp tiền trong ứng dụng."}})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["gists"]["vi"] == "Nạp tiền trong ứng dụng."
    hist = client.get(f"/api/knowledge/entries/{eid}/history").json()
    assert hist[1]["snapshot"]["gists"] == {"en": "Top up in the app.",
                                            "vi": "Nạp tiền trong ứng dụng."}
    for bad in ({"gists": {"ko": "요약"}}, {"gists": {"en": "x" * 1001}}):
        r = client.patch(f"/api/knowledge/entries/{eid}", json=bad)
        assert r.status_code == 422 and r.json()["detail"], bad
    assert client.get(f"/api/knowledge/entries/{eid}").json()["version"] == 2
